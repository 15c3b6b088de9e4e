package io.entanglement;

/**
 * Decides which viewers may see which objects. Every change passes through the policy
 * before it is queued for a viewer; a denied object is never sent.
 *
 * @author Entanglement
 */
@FunctionalInterface
public interface SyncPolicy {

	/**
	 * Whether the viewer may see the object in the given state.
	 * @param viewer the receiving connection
	 * @param change the object's state (for a delete, its key and last version)
	 * @return {@code true} to send it
	 */
	boolean maySee(SyncViewer viewer, SyncChange change);

}
