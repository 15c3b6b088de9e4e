package io.entanglement.engine;

import java.util.concurrent.ConcurrentSkipListSet;

import org.jspecify.annotations.Nullable;

/**
 * One sequence of commits and the resume tokens into it: the database's, for types whose
 * changes are numbered in the change log of their transactions, or the node's own, for
 * types held in memory. Tokens name their clock's epoch, so a token of another database
 * or of a previous run of the node gets a reset.
 *
 * @author Entanglement
 */
final class SyncClock {

	final ChangeLog changeLog;

	final ConcurrentSkipListSet<CommitTicket> openTickets = new ConcurrentSkipListSet<>();

	private volatile @Nullable String epoch;

	private volatile long watermark = -1;

	private volatile Token currentToken = new Token(-1, "");

	volatile long maxAllocated;

	SyncClock(ChangeLog changeLog) {
		this.changeLog = changeLog;
	}

	CommitTicket begin(long seq) {
		CommitTicket ticket = new CommitTicket(this, seq);
		this.openTickets.add(ticket);
		synchronized (this.openTickets) {
			this.maxAllocated = Math.max(this.maxAllocated, seq);
		}
		return ticket;
	}

	/**
	 * The highest sequence number up to which every committed change has been queued for
	 * every subscriber.
	 */
	long watermark() {
		long current = this.watermark;
		if (current < 0) {
			synchronized (this) {
				if (this.watermark < 0) {
					this.watermark = this.changeLog.currentSeq();
				}
				current = this.watermark;
			}
		}
		return current;
	}

	/**
	 * Move the watermark past a committed number. Called by the dispatcher only.
	 */
	void advance(long seq) {
		this.watermark = Math.max(watermark(), seq);
	}

	String token(long seq) {
		Token cached = this.currentToken;
		if (cached.seq() == seq) {
			return cached.value();
		}
		String value = epoch() + "." + seq;
		if (seq == this.watermark) {
			this.currentToken = new Token(seq, value);
		}
		return value;
	}

	String epoch() {
		String current = this.epoch;
		if (current == null) {
			current = this.changeLog.epoch();
			this.epoch = current;
		}
		return current;
	}

	boolean canCatchUp(ResumeToken since) {
		long watermark = watermark();
		return since.seq() > 0 && since.epoch().equals(epoch()) && since.seq() >= this.changeLog.purgedSeq()
				&& since.seq() <= watermark;
	}

	private record Token(long seq, String value) {
	}

}
