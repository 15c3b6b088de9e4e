package io.entanglement.engine;

import io.entanglement.SyncStore;

/**
 * A synchronized type as the engine holds it: its store and the constant parts of its
 * batch envelope.
 *
 * @author Entanglement
 */
final class SyncType {

	private final String name;

	private final SyncStore store;

	private final String destination;

	private final String envelopeStart;

	SyncType(SyncStore store, ChangeEncoder encoder) {
		this.name = store.type();
		this.store = store;
		this.destination = SyncManager.DESTINATION_PREFIX + this.name;
		this.envelopeStart = "{\"type\":" + encoder.quote(this.name) + ",\"changes\":[";
	}

	String name() {
		return this.name;
	}

	SyncStore store() {
		return this.store;
	}

	String destination() {
		return this.destination;
	}

	String envelopeStart() {
		return this.envelopeStart;
	}

}
