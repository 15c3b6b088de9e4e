package io.entanglement.engine;

import java.sql.Connection;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;

/**
 * A {@link ChangeLog} held in memory, for driving a {@link SyncManager} without a
 * database. Tests number their commits themselves and record them with
 * {@link #record(long, SyncChange)}.
 *
 * @author Entanglement
 */
public class InMemoryChangeLog implements ChangeLog {

	/** The epoch of every token this log hands out. */
	public static final String EPOCH = "5eed";

	private final AtomicLong currentSeq = new AtomicLong();

	private final AtomicLong purgedSeq = new AtomicLong();

	private final Map<ObjectKey, Entry> entries = new ConcurrentHashMap<>();

	/**
	 * Record a committed change, as the committing transaction would.
	 * @param seq the sequence number of its transaction
	 * @param change the change
	 */
	public void record(long seq, SyncChange change) {
		record(seq, change, seq);
	}

	/**
	 * Record a committed change, as the committing transaction would.
	 * @param seq the sequence number of its transaction
	 * @param change the change
	 * @param accessSeq the sequence number of the last change that may have changed who
	 * sees the object
	 */
	public void record(long seq, SyncChange change, long accessSeq) {
		this.entries.put(change.key(),
				new Entry(change.key().id(), seq, change.version(), change.op() == SyncChange.Op.DELETE, accessSeq));
		this.currentSeq.accumulateAndGet(seq, Math::max);
	}

	/**
	 * Pretend tombstones up to the given number were purged.
	 * @param seq the new purge horizon
	 */
	public void purgedUpTo(long seq) {
		this.purgedSeq.set(seq);
	}

	@Override
	public String epoch() {
		return EPOCH;
	}

	@Override
	public long currentSeq() {
		return this.currentSeq.get();
	}

	@Override
	public long purgedSeq() {
		return this.purgedSeq.get();
	}

	@Override
	public long append(Connection connection, List<Logged> changes) {
		throw new UnsupportedOperationException("Tests number their commits themselves");
	}

	@Override
	public long touch(Connection connection, Collection<ObjectKey> keys, Set<ObjectKey> widenedOnly) {
		throw new UnsupportedOperationException("Tests number their access changes themselves");
	}

	@Override
	public List<Entry> changesSince(String type, long afterSeq) {
		return this.entries.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().type().equals(type) && entry.getValue().seq() > afterSeq)
			.map(Map.Entry::getValue)
			.sorted(Comparator.comparingLong(Entry::seq))
			.toList();
	}

	@Override
	public int purgeTombstones(Instant before) {
		return 0;
	}

}
