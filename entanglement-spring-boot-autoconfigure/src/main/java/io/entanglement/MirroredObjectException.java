package io.entanglement;

/**
 * Thrown when local code writes an object this node mirrors from an upstream peer: its
 * owner decides its state, so a change must be proposed (for example with
 * {@code SyncManager#propose}) and travels to the owner.
 *
 * @author Entanglement
 */
public class MirroredObjectException extends SyncException {

	private final ObjectKey key;

	/**
	 * Create a new exception.
	 * @param key the mirrored object
	 * @param peer the peer it is mirrored from
	 */
	public MirroredObjectException(ObjectKey key, String peer) {
		super("forbidden", key + " is mirrored from peer '" + peer
				+ "'; propose the change instead of writing it, so it reaches the object's owner");
		this.key = key;
	}

	/**
	 * The mirrored object.
	 * @return its key
	 */
	public ObjectKey getKey() {
		return this.key;
	}

}
