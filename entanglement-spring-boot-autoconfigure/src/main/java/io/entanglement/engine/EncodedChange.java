package io.entanglement.engine;

import io.entanglement.SyncChange;

/**
 * A change with its wire encoding, computed once and shared by every recipient.
 *
 * @param change the change
 * @param json its JSON element in a batch's {@code changes} array
 * @param byteLength the UTF-8 length of {@code json}
 * @author Entanglement
 */
public record EncodedChange(SyncChange change, String json, int byteLength) {

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
