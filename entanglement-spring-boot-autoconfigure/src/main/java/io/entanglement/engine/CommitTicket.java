package io.entanglement.engine;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.entanglement.AccessScope;
import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import org.jspecify.annotations.Nullable;

/**
 * A transaction that has taken a sequence number and not yet completed. Live changes are
 * fanned out in sequence order, and the resume watermark never passes an open ticket.
 *
 * @author Entanglement
 */
public final class CommitTicket implements Comparable<CommitTicket> {

	private static final AtomicLong ids = new AtomicLong();

	final SyncClock clock;

	private final long seq;

	private final long id = ids.incrementAndGet();

	@Nullable List<EncodedChange> changes;

	/**
	 * The state of each changed object before the transaction, where the capture knows
	 * it.
	 */
	@Nullable List<@Nullable SyncChange> previous;

	/**
	 * For a change of access rather than of objects: the access before it, one per
	 * object.
	 */
	@Nullable List<AccessScope> scopes;

	/**
	 * For a change of access: the objects it changed that are not fanned out (deleted, or
	 * not read), with the access before it.
	 */
	Map<ObjectKey, AccessScope> unread = Map.of();

	boolean done;

	CommitTicket(SyncClock clock, long seq) {
		this.clock = clock;
		this.seq = seq;
	}

	/**
	 * The sequence number the transaction took.
	 * @return the sequence number
	 */
	public long seq() {
		return this.seq;
	}

	@Override
	public int compareTo(CommitTicket other) {
		int bySeq = Long.compare(this.seq, other.seq);
		return (bySeq != 0) ? bySeq : Long.compare(this.id, other.id);
	}

}
