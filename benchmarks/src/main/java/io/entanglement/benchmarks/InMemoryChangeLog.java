package io.entanglement.benchmarks;

import java.sql.Connection;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.engine.ChangeLog;

/**
 * A {@link ChangeLog} with nothing in it, for benchmarks that feed committed changes to
 * the engine directly: every subscriber gets a full snapshot and nothing is ever
 * appended.
 *
 * @author Entanglement
 */
final class InMemoryChangeLog implements ChangeLog {

	private final String epoch;

	InMemoryChangeLog(String epoch) {
		this.epoch = epoch;
	}

	@Override
	public String epoch() {
		return this.epoch;
	}

	@Override
	public long currentSeq() {
		return 0;
	}

	@Override
	public long purgedSeq() {
		return 0;
	}

	@Override
	public long append(Connection connection, List<SyncChange> changes) {
		throw new UnsupportedOperationException("Benchmarks hand committed changes to the SyncManager directly");
	}

	@Override
	public long touch(Connection connection, Collection<ObjectKey> keys) {
		throw new UnsupportedOperationException("Benchmarks hand access changes to the SyncManager directly");
	}

	@Override
	public List<Entry> changesSince(String type, long afterSeq) {
		return List.of();
	}

	@Override
	public int purgeTombstones(Instant before) {
		return 0;
	}

}
