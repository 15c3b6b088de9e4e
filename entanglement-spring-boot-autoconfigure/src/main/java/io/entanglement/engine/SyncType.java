package io.entanglement.engine;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.entanglement.SyncChange;
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

	/**
	 * The newest encoding of each object, so snapshots and catch-up reuse what live
	 * fan-out already encoded instead of encoding per subscriber.
	 */
	private final Map<String, EncodedChange> latest = new ConcurrentHashMap<>();

	/** The subscriptions to this type; fan-out walks them without a shared lock. */
	private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

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

	List<Subscription> subscriptions() {
		return this.subscriptions;
	}

	void remember(EncodedChange change) {
		if (change.change().op() == SyncChange.Op.DELETE) {
			this.latest.remove(change.id());
		}
		else {
			this.latest.merge(change.id(), change, (old, next) -> (next.version() > old.version()) ? next : old);
		}
	}

	EncodedChange encode(SyncChange change, ChangeEncoder encoder) {
		EncodedChange cached = this.latest.get(change.key().id());
		if (cached != null && cached.version() == change.version() && cached.change().op() == change.op()) {
			return cached;
		}
		EncodedChange encoded = encoder.encode(change);
		remember(encoded);
		return encoded;
	}

}
