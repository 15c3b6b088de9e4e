package io.entanglement.engine;

import io.entanglement.SyncChange;
import org.jspecify.annotations.Nullable;

/**
 * A change with its wire encoding, computed once and shared by every recipient.
 *
 * @param change the change
 * @param json its JSON element in a batch's {@code changes} array, UTF-8 encoded
 * @param transition the transition id, for the updates and the end of a transition
 * @param ended whether this is the end of a transition
 * @param patch the change as a {@code patch} of the version just before it, for
 * recipients known to hold that version, UTF-8 encoded, or {@code null}
 * @author Entanglement
 */
public record EncodedChange(SyncChange change, byte[] json, @Nullable String transition, boolean ended,
		byte @Nullable [] patch) {

	/**
	 * A change of an object.
	 * @param change the change
	 * @param json its JSON element, UTF-8 encoded
	 */
	public EncodedChange(SyncChange change, byte[] json) {
		this(change, json, null, false, null);
	}

	/**
	 * The length of the full encoding.
	 * @return its bytes
	 */
	public int byteLength() {
		return this.json.length;
	}

	/**
	 * Whether this is an update or the end of a transition rather than a change of the
	 * object.
	 * @return {@code true} for transitions
	 */
	public boolean isTransition() {
		return this.transition != null;
	}

	/**
	 * The key under which a subscription holds this change pending: the object id, or for
	 * a transition the object id and the transition id, so transitions never replace
	 * committed state.
	 * @return the pending key
	 */
	String slot() {
		return (this.transition != null) ? this.change.key().id() + '\u0000' + this.transition : this.change.key().id();
	}

	/**
	 * The object id.
	 * @return the id
	 */
	public String id() {
		return this.change.key().id();
	}

	/**
	 * The object version.
	 * @return the version
	 */
	public long version() {
		return this.change.version();
	}

}
