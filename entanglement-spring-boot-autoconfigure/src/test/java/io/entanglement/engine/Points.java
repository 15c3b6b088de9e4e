package io.entanglement.engine;

import java.util.List;
import java.util.Map;

import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;

/**
 * The {@code point} objects engine tests commit: a change applied to an in-memory store,
 * recorded in an in-memory change log and handed to the manager, as a transaction's
 * commit would.
 *
 * @author Entanglement
 */
final class Points {

	private Points() {
	}

	/**
	 * A point at a version, its name telling both apart.
	 * @param id the point's id
	 * @param version its version
	 * @return the upsert
	 */
	static SyncChange upsert(String id, long version) {
		return SyncChange.upsert(new ObjectKey("point", id), "alice", version, Map.of("name", id + "@" + version));
	}

	/**
	 * Commit one change under a sequence number.
	 * @param manager the manager that fans it out
	 * @param store the store that holds the points
	 * @param changeLog the change log that records it
	 * @param seq the commit's number
	 * @param change the change
	 */
	static void commit(SyncManager manager, InMemorySyncStore store, InMemoryChangeLog changeLog, long seq,
			SyncChange change) {
		CommitTicket ticket = manager.begin(seq);
		store.apply(change);
		changeLog.record(seq, change);
		manager.committed(ticket, List.of(change));
	}

}
