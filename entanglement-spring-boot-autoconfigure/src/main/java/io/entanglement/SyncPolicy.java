package io.entanglement;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Decides which viewers may see which objects. Every change passes through the policy
 * before it is queued for a viewer; a denied object is never sent.
 * <p>
 * Entanglement combines every policy bean with mandatory access control: an object is
 * sent only if mandatory access control allows it and every policy that
 * {@linkplain #appliesTo(String) applies to its type} allows it. Anonymous viewers are
 * always refused.
 *
 * @author Entanglement
 */
@FunctionalInterface
public interface SyncPolicy {

	/**
	 * Whether the viewer may see the object in the given state.
	 * <p>
	 * A deletion is usually decided on the object's last state. When a client catches up
	 * after a reconnect, a deletion may be known only by its key and version (an empty
	 * state): return {@code false} if that is not enough to decide, and the subscriber is
	 * reset and sent a fresh snapshot rather than told the id of an object it may not
	 * have seen.
	 * @param viewer the receiving connection
	 * @param change the object's state (for a delete, its last state, or only its key and
	 * version)
	 * @return {@code true} to send it
	 */
	boolean maySee(SyncViewer viewer, SyncChange change);

	/**
	 * What {@link #maySee} reads of an object, as one string: the values of the
	 * attributes it decides on (its owner, a group, a label), or an empty string if it
	 * reads none. Two states of an object with the same access state must be seen by the
	 * same viewers, as long as no access change is announced (see {@link AccessChanges}).
	 * <p>
	 * Catch-up relies on it: a client resuming after changes to objects it may not see
	 * gets only what it may see when their access state has not changed since its token,
	 * since it could not have seen them then either. Without it ({@code null}, the
	 * default) any change may have changed who sees the object, and a client resuming
	 * after a change to an object it may not see is reset and sent a fresh snapshot.
	 * @param change the object's state (never a deletion)
	 * @return the access state, or {@code null} if any change may change who sees the
	 * object
	 */
	default @Nullable String accessState(SyncChange change) {
		return null;
	}

	/**
	 * Whether this policy decides for the given type. A policy that does not apply to a
	 * type is not asked about its objects.
	 * @param type the type name
	 * @return {@code true} (the default) to decide for every type
	 */
	default boolean appliesTo(String type) {
		return true;
	}

	/**
	 * Whether the viewer may subscribe to a type with the given filter at all. Asked once
	 * per SUBSCRIBE, before anything is loaded; a refused subscription gets an error on
	 * the viewer's reply queue and nothing else.
	 * @param viewer the subscribing connection
	 * @param type the type name
	 * @param filter the equality filter of the subscription, empty for none
	 * @return {@code true} (the default) to allow it
	 */
	default boolean maySubscribe(SyncViewer viewer, String type, Map<String, String> filter) {
		return true;
	}

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
	 * Whether an owner's answer may be applied: asked after the owner accepted a
	 * forwarded proposal, with the object as it would be stored.
	 * @param owner the answering owner's connection
	 * @param current the object's current state
	 * @param accepted the object as it would be after the change (its version is still
	 * the current one)
	 * @return {@code true} (the default) to apply it
	 */
	default boolean mayAccept(SyncViewer owner, SyncChange current, SyncChange accepted) {
		return true;
	}

	/**
	 * Who may see the objects of a type, as an index the fan-out can use instead of
	 * asking about every subscriber. A policy that can name, for each object, a small set
	 * of keys one of which every permitted viewer holds (the principals and authorities
	 * of an access control list, say) returns one; the policy is still asked about every
	 * candidate.
	 * @param type the type name
	 * @return the audience index, or {@code null} (the default) if any viewer may be
	 * permitted
	 */
	default @Nullable AudienceIndex audience(String type) {
		return null;
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
