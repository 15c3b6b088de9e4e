package io.entanglement.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.entanglement.SyncChange;
import org.jspecify.annotations.Nullable;

/**
 * One client subscription to one type: its pending changes, coalesced per object. Every
 * field is guarded by the owning {@link SessionOutbox}.
 *
 * @author Entanglement
 */
final class Subscription {

	/** The longest envelope end: {@code ],"synced":false,"reset":false}}. */
	private static final int ENVELOPE_END_MAX = 32;

	/** The end of a batch body, by whether it is synced (+2) and a reset (+1). */
	private static final byte[][] ENVELOPE_ENDS = { envelopeEnd("false", "false"), envelopeEnd("false", "true"),
			envelopeEnd("true", "false"), envelopeEnd("true", "true") };

	final SessionOutbox outbox;

	final String id;

	final SyncType type;

	/** Equality on attributes; an object that does not match is not sent. */
	final Map<String, String> filter;

	/**
	 * Pending changes per object id, newest state only, and the ends of transitions per
	 * object and transition. A new map after each drain that empties it: a map that
	 * outlives a garbage collection costs the collector a card to scan for every change
	 * put in it, a new one nothing.
	 */
	LinkedHashMap<String, EncodedChange> pending = new LinkedHashMap<>();

	/**
	 * Pending transition updates per object and transition, newest only; released at the
	 * session's transition rate.
	 */
	final LinkedHashMap<String, EncodedChange> transitions = new LinkedHashMap<>();

	/**
	 * Versions known to the client while a snapshot settles: stale live changes committed
	 * before the snapshot query may still arrive until the watermark passes
	 * {@link #settleSeq}.
	 */
	@Nullable Map<String, EncodedChange> known;

	long settleSeq;

	/** A snapshot or catch-up is being loaded; live changes wait in {@link #pending}. */
	boolean loading = true;

	/**
	 * End the subscription: nothing more is queued or sent on it.
	 */
	void end() {
		this.closed = true;
		this.pending.clear();
	}

	/**
	 * Restart once the load in progress is done: it may have read the store before what
	 * called for the restart.
	 */
	boolean restartAfterLoad;

	/** The next frame must carry {@code "synced":true} even if nothing is pending. */
	boolean syncPending;

	/** The next frame must carry {@code "reset":true}. */
	boolean resetPending;

	/**
	 * How many objects may be pending before the subscription is reset: the configured
	 * maximum on top of what the last snapshot queued, so a large snapshot draining
	 * slowly is not mistaken for a client falling behind.
	 */
	int pendingLimit;

	/** The token valid for what the client has fully received. */
	String token;

	boolean closed;

	/**
	 * The version of each object the client holds once it has read what was handed to the
	 * transport, if the client takes patches; {@code null} otherwise. Each version is
	 * updated in place, so a new version stores no reference in this long-lived map.
	 */
	private final @Nullable Map<String, long[]> held;

	Subscription(SessionOutbox outbox, String id, SyncType type, String token, Map<String, String> filter) {
		this(outbox, id, type, token, filter, false);
	}

	Subscription(SessionOutbox outbox, String id, SyncType type, String token, Map<String, String> filter,
			boolean patches) {
		this.outbox = outbox;
		this.id = id;
		this.type = type;
		this.token = token;
		this.filter = filter;
		this.held = patches ? new HashMap<>() : null;
	}

	/**
	 * Whether an object's state matches the filter. A deletion carries no state and is
	 * decided by the state before it.
	 */
	boolean matches(SyncChange change) {
		if (this.filter.isEmpty() || change.op() != SyncChange.Op.UPSERT) {
			return true;
		}
		for (Map.Entry<String, String> entry : this.filter.entrySet()) {
			Object value = change.state().get(entry.getKey());
			if (value == null || !entry.getValue().equals(value.toString())) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether {@code change} supersedes {@code held} for the client: a newer version, or
	 * the same version with the other verdict (a {@code forget} after an upsert when
	 * access was revoked, an upsert after a {@code forget} when it was granted again).
	 */
	static boolean supersedes(EncodedChange change, EncodedChange held) {
		if (change.version() != held.version()) {
			return change.version() > held.version();
		}
		return (change.change().op() == SyncChange.Op.FORGET) != (held.change().op() == SyncChange.Op.FORGET);
	}

	boolean hasWork(boolean transitionsDue) {
		return !this.loading && !this.closed
				&& (this.syncPending || !this.pending.isEmpty() || (transitionsDue && !this.transitions.isEmpty()));
	}

	boolean hasTransitionsWaiting() {
		return !this.loading && !this.closed && !this.transitions.isEmpty();
	}

	/**
	 * Queue a live change unless the client already has the same or a newer version.
	 * @return whether the change was queued
	 */
	boolean offer(EncodedChange change) {
		if (change.isTransition()) {
			String slot = change.slot();
			if (change.ended()) {
				// Whatever update of the transition is still pending, the end replaces
				// it.
				this.transitions.remove(slot);
				this.pending.put(slot, change);
			}
			else {
				this.transitions.put(slot, change);
			}
			return true;
		}
		String id = change.id();
		if (this.known != null) {
			EncodedChange known = this.known.get(id);
			if (known != null && !supersedes(change, known)) {
				return false;
			}
			this.known.put(id, change);
		}
		// A type that does not coalesce keeps every version pending, in order.
		String slot = this.type.coalesces() ? id : id + '\u0001' + change.version();
		EncodedChange queued = this.pending.get(slot);
		if (queued != null && !supersedes(change, queued)) {
			return false;
		}
		if (queued != null) {
			this.outbox.metrics().coalesced.increment();
		}
		this.pending.put(slot, change);
		return true;
	}

	/**
	 * Merge a loaded snapshot or catch-up with the live changes that arrived meanwhile,
	 * keeping the newer version of each object.
	 */
	void merge(Iterable<EncodedChange> loaded, boolean reset, long settleSeq, int maxPending) {
		if (!this.type.coalesces()) {
			mergeEveryVersion(loaded, reset, settleSeq, maxPending);
			return;
		}
		LinkedHashMap<String, EncodedChange> merged = new LinkedHashMap<>();
		for (EncodedChange change : loaded) {
			EncodedChange live = this.pending.remove(change.id());
			// At the same version the live change is the later verdict.
			merged.put(change.id(), (live != null && live.version() >= change.version()) ? live : change);
		}
		merged.putAll(this.pending);
		this.pending = merged;
		this.known = new HashMap<>(merged);
		this.pendingLimit = merged.size() + maxPending;
		this.settleSeq = settleSeq;
		this.loading = false;
		this.syncPending = true;
		this.resetPending = reset;
	}

	/**
	 * Merge for a type that does not coalesce: live versions that arrived meanwhile and
	 * are no newer than the loaded state are dropped; newer ones follow it, in order.
	 */
	private void mergeEveryVersion(Iterable<EncodedChange> loaded, boolean reset, long settleSeq, int maxPending) {
		Map<String, EncodedChange> loadedById = new HashMap<>();
		LinkedHashMap<String, EncodedChange> merged = new LinkedHashMap<>();
		for (EncodedChange change : loaded) {
			loadedById.put(change.id(), change);
			merged.put(change.id() + '\u0001' + change.version(), change);
		}
		this.pending.forEach((slot, live) -> {
			EncodedChange snapshot = loadedById.get(live.id());
			if (live.isTransition() || snapshot == null || supersedes(live, snapshot)) {
				merged.put(slot, live);
			}
		});
		this.pending = merged;
		Map<String, EncodedChange> known = new HashMap<>(loadedById);
		merged.values().forEach((change) -> {
			if (!change.isTransition()) {
				known.merge(change.id(), change, (old, next) -> supersedes(next, old) ? next : old);
			}
		});
		this.known = known;
		this.pendingLimit = merged.size() + maxPending;
		this.settleSeq = settleSeq;
		this.loading = false;
		this.syncPending = true;
		this.resetPending = reset;
	}

	/**
	 * Drop everything pending and wait for a fresh snapshot.
	 */
	void restart() {
		this.pending.clear();
		this.transitions.clear();
		this.known = null;
		if (this.held != null) {
			// The reset makes the client drop everything it holds.
			this.held.clear();
		}
		this.loading = true;
		this.restartAfterLoad = false;
		this.syncPending = false;
		this.token = ResumeToken.NONE.toString();
	}

	private int take(LinkedHashMap<String, EncodedChange> from, List<byte[]> batch, int bytes, int maxBytes) {
		var iterator = from.values().iterator();
		while (iterator.hasNext()) {
			EncodedChange change = iterator.next();
			byte[] encoding = isPatchable(change) ? change.patch() : change.json();
			if (!batch.isEmpty() && bytes + encoding.length + 1 > maxBytes) {
				break;
			}
			batch.add(encoding);
			bytes += encoding.length + 1;
			iterator.remove();
			hold(change);
		}
		return bytes;
	}

	/**
	 * Whether the client will hold the version just before this change when it reads it,
	 * so the shared patch encoding can go instead of the full state.
	 */
	private boolean isPatchable(EncodedChange change) {
		if (this.held == null || change.patch() == null) {
			return false;
		}
		long[] version = this.held.get(change.id());
		return version != null && version[0] == change.version() - 1;
	}

	private void hold(EncodedChange change) {
		if (this.held == null || change.isTransition()) {
			return;
		}
		if (change.change().op() == SyncChange.Op.UPSERT) {
			long[] version = this.held.get(change.id());
			if (version != null) {
				version[0] = change.version();
			}
			else {
				this.held.put(change.id(), new long[] { change.version() });
			}
		}
		else {
			this.held.remove(change.id());
		}
	}

	void settle(long watermark) {
		if (this.known != null && watermark >= this.settleSeq) {
			this.known = null;
		}
	}

	/**
	 * Take pending changes into one frame of at most {@code maxBytes} (at least one
	 * change).
	 * @param watermarkToken the token valid if this frame empties the queue
	 */
	SyncFrame drain(int maxBytes, String watermarkToken, int maxPending, boolean transitionsDue) {
		byte[] start = this.type.envelopeStart();
		List<byte[]> batch = new ArrayList<>(Math.min(this.pending.size(), 64));
		int bytes = start.length + ENVELOPE_END_MAX;
		bytes = take(this.pending, batch, bytes, maxBytes);
		if (transitionsDue && bytes < maxBytes) {
			bytes = take(this.transitions, batch, bytes, maxBytes);
		}
		this.pendingLimit = Math.max(maxPending, Math.min(this.pendingLimit, this.pending.size() + maxPending));
		boolean emptied = this.pending.isEmpty();
		if (emptied) {
			this.pending = new LinkedHashMap<>();
			this.token = watermarkToken;
			this.syncPending = false;
		}
		byte[] end = envelopeEnd(emptied, this.resetPending);
		this.resetPending = false;
		// take() counted each element plus one separator more than there are.
		byte[] body = new byte[bytes - ENVELOPE_END_MAX - (batch.isEmpty() ? 0 : 1) + end.length];
		System.arraycopy(start, 0, body, 0, start.length);
		int at = start.length;
		for (int i = 0; i < batch.size(); i++) {
			if (i > 0) {
				body[at++] = ',';
			}
			byte[] element = batch.get(i);
			System.arraycopy(element, 0, body, at, element.length);
			at += element.length;
		}
		System.arraycopy(end, 0, body, at, end.length);
		return new SyncFrame(this.id, this.type.destination(), this.token, body, batch.size());
	}

	private static byte[] envelopeEnd(String synced, String reset) {
		return ("],\"synced\":" + synced + ",\"reset\":" + reset + "}").getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] envelopeEnd(boolean synced, boolean reset) {
		return ENVELOPE_ENDS[(synced ? 2 : 0) + (reset ? 1 : 0)];
	}

}
