package io.entanglement.autoconfigure;

import java.util.Map;

/**
 * The state of this instance's link to the other instances, for operators.
 *
 * @author Entanglement
 */
interface ClusterState {

	/**
	 * Whether the broker relay's system connection is up.
	 * @return {@code true} while the broker is available
	 */
	boolean isBrokerAvailable();

	/**
	 * What operators see of the link: the instance id, the broker's availability and the
	 * notice counters.
	 * @return the details
	 */
	Map<String, Object> details();

}
