package io.entanglement.engine;

import java.sql.Connection;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;

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

	private final Map<ObjectKey, Logged> entries = new ConcurrentHashMap<>();

	/**
	 * Number the changes of one publication. The caller keeps the number and the
	 * publication in one order by holding this log's lock until the ticket is taken.
	 */
	synchronized long next() {
		return ++this.seq;
	}

	void record(long seq, List<SyncChange> changes) {
		Instant now = Instant.now();
		for (SyncChange change : changes) {
			this.entries.put(change.key(), new Logged(
					new Entry(change.key().id(), seq, change.version(), change.op() == SyncChange.Op.DELETE), now));
		}
		synchronized (this) {
			this.currentSeq = Math.max(this.currentSeq, seq);
		}
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
	public long append(Connection connection, List<SyncChange> changes) {
		throw new UnsupportedOperationException("Types held in memory are published, not captured in transactions");
	}

	@Override
	public long touch(Connection connection, Collection<ObjectKey> keys) {
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
		int purged = 0;
		long horizon = this.purgedSeq;
		for (var iterator = this.entries.values().iterator(); iterator.hasNext();) {
			Logged logged = iterator.next();
			if (logged.entry().deleted() && logged.at().isBefore(before)) {
				horizon = Math.max(horizon, logged.entry().seq());
				iterator.remove();
				purged++;
			}
		}
		this.purgedSeq = horizon;
		return purged;
	}

	private record Logged(Entry entry, Instant at) {
	}

}
