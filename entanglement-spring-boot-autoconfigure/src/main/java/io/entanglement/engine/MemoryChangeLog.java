package io.entanglement.engine;

import java.sql.Connection;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import org.jspecify.annotations.Nullable;

/**
 * The change log of types held in memory: it lives as long as the node, with an epoch of
 * its own, so clients resuming after a restart are reset. Also a change log for engines
 * driven without a database, such as benchmarks.
 *
 * @author Entanglement
 */
public final class MemoryChangeLog implements ChangeLog {

	private final String epoch = UUID.randomUUID().toString().replace("-", "").substring(0, 16);

	private long seq;

	private volatile long currentSeq;

	private volatile long purgedSeq;

	private final Map<ObjectKey, Kept> entries = new ConcurrentHashMap<>();

	/**
	 * Number the changes of one publication. The caller keeps the number and the
	 * publication in one order by holding this log's lock until the ticket is taken.
	 */
	synchronized long next() {
		return ++this.seq;
	}

	/**
	 * Record the changes of one publication.
	 * @param seq its number
	 * @param changes the changes, one per object
	 * @param policy decides what of an object's state tells who sees it
	 */
	void record(long seq, List<SyncChange> changes, SyncPolicy policy) {
		Instant now = Instant.now();
		for (SyncChange change : changes) {
			boolean deleted = change.op() == SyncChange.Op.DELETE;
			Kept before = this.entries.get(change.key());
			String accessState = deleted ? null : policy.accessState(change);
			long accessSeq;
			if (before == null) {
				// Held in memory, so logged since it was created: nobody saw it before.
				accessSeq = 0;
			}
			else if (deleted || before.entry().deleted() || accessState == null
					|| !accessState.equals(before.accessState())) {
				accessSeq = seq;
			}
			else {
				accessSeq = before.entry().accessSeq();
			}
			Entry entry = new Entry(change.key().id(), seq, change.version(), deleted, accessSeq);
			this.entries.put(change.key(), new Kept(entry, deleted ? null : accessState, now));
		}
		advanceTo(seq);
	}

	/**
	 * Record that who may see some objects changed while the objects did not. Objects
	 * deleted (or never published) are left as they are.
	 * @param seq the number of the change
	 * @param keys the objects
	 * @param widenedOnly those whose access only widened
	 */
	void touch(long seq, Collection<ObjectKey> keys, Set<ObjectKey> widenedOnly) {
		Instant now = Instant.now();
		for (ObjectKey key : keys) {
			Kept before = this.entries.get(key);
			if (before == null || before.entry().deleted()) {
				continue;
			}
			Entry logged = before.entry();
			long accessSeq = widenedOnly.contains(key) ? logged.accessSeq() : seq;
			this.entries.put(key, new Kept(new Entry(logged.id(), seq, logged.version(), false, accessSeq),
					before.accessState(), now));
		}
		advanceTo(seq);
	}

	private synchronized void advanceTo(long seq) {
		this.currentSeq = Math.max(this.currentSeq, seq);
	}

	@Override
	public String epoch() {
		return this.epoch;
	}

	@Override
	public long currentSeq() {
		return this.currentSeq;
	}

	@Override
	public long purgedSeq() {
		return this.purgedSeq;
	}

	@Override
	public long append(Connection connection, List<Logged> changes) {
		throw new UnsupportedOperationException("Types held in memory are published, not captured in transactions");
	}

	@Override
	public long touch(Connection connection, Collection<ObjectKey> keys, Set<ObjectKey> widenedOnly) {
		throw new UnsupportedOperationException("Types held in memory are published, not captured in transactions");
	}

	@Override
	public List<Entry> changesSince(String type, long afterSeq) {
		return this.entries.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().type().equals(type) && entry.getValue().entry().seq() > afterSeq)
			.map((entry) -> entry.getValue().entry())
			.sorted(Comparator.comparingLong(Entry::seq))
			.toList();
	}

	@Override
	public synchronized int purgeTombstones(Instant before) {
		long horizon = this.purgedSeq;
		for (Kept logged : this.entries.values()) {
			if (logged.entry().deleted() && logged.at().isBefore(before)) {
				horizon = Math.max(horizon, logged.entry().seq());
			}
		}
		// The horizon moves first: a reader that finds a tombstone gone finds it moved.
		this.purgedSeq = horizon;
		int purged = 0;
		for (var iterator = this.entries.values().iterator(); iterator.hasNext();) {
			Kept logged = iterator.next();
			if (logged.entry().deleted() && logged.entry().seq() <= horizon && logged.at().isBefore(before)) {
				iterator.remove();
				purged++;
			}
		}
		return purged;
	}

	private record Kept(Entry entry, @Nullable String accessState, Instant at) {
	}

}
