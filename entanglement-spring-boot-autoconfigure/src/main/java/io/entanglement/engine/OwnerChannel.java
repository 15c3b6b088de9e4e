package io.entanglement.engine;

/**
 * Reaches the connected sessions of user owners, so proposals can be forwarded to them.
 *
 * @author Entanglement
 */
public interface OwnerChannel {

	/**
	 * Whether the user has at least one connected session.
	 * @param user the principal name
	 * @return {@code true} if a request can be delivered
	 */
	boolean isConnected(String user);

	/**
	 * Send a request to every connected session of the user.
	 * @param user the principal name
	 * @param request the forwarded proposal
	 */
	void send(String user, OwnerRequest request);

}
