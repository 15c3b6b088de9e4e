package io.entanglement;

import org.jspecify.annotations.Nullable;

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

	/**
	 * Whether the viewer may propose this change. Asked before a proposal travels to the
	 * owner; the owner then decides. By default, authenticated viewers may propose.
	 * @param viewer the proposing connection
	 * @param current the object's current state, {@code null} for a create
	 * @param proposal the proposal
	 * @return {@code true} to let the proposal go on
	 */
	default boolean mayPropose(SyncViewer viewer, @Nullable SyncChange current, Proposal proposal) {
		return viewer.isAuthenticated();
	}

	/**
	 * Whether the viewer may hand the object to another owner. By default only its
	 * current owner may.
	 * @param viewer the requesting connection
	 * @param current the object's current state
	 * @param newOwner the proposed owner
	 * @return {@code true} to change the owner
	 */
	default boolean mayChangeOwner(SyncViewer viewer, SyncChange current, String newOwner) {
		return viewer.name() != null && viewer.name().equals(current.owner());
	}

}
