package io.entanglement;

/**
 * Tells Entanglement that who may see an object changes while the object itself does not
 * (an ACL grant or revoke, a group membership). Access changes are live: when the
 * transaction that makes the change commits, sessions that lost access are told to
 * {@code forget} the object and receive nothing more of it, sessions that gained access
 * receive it, and clients catching up later see the change too.
 *
 * @author Entanglement
 */
public interface AccessChanges {

	/**
	 * Announce a change of access to an object. Call it inside the transaction that
	 * changes the access, before changing it.
	 * @param key the object
	 * @param before decides as access was before the change
	 * @throws IllegalStateException if no transaction is active
	 * @throws UnknownTypeException if the type is not synchronized
	 */
	void changing(ObjectKey key, AccessScope before);

	/**
	 * Announce a change of access to an object that only widens it: whoever could see the
	 * object before still may (a grant, a new member of a group). Clients catching up
	 * that may not see the object could not see it before either, and are not reset for
	 * it. Call it inside the transaction that changes the access, before changing it.
	 * @param key the object
	 * @param before decides as access was before the change
	 * @throws IllegalStateException if no transaction is active
	 * @throws UnknownTypeException if the type is not synchronized
	 */
	default void widening(ObjectKey key, AccessScope before) {
		changing(key, before);
	}

}
