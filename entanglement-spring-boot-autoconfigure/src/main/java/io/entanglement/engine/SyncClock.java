package io.entanglement.engine;

import java.util.Iterator;
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

	/**
	 * Whether other instances number commits in the same sequence: the watermark then
	 * moves only over an unbroken run of numbers this instance has fanned out, so a token
	 * never vouches for a number another instance committed and this one has not fanned
	 * out yet.
	 */
	private volatile boolean shared;

	/** Numbers fanned out above the watermark, in a shared sequence. */
	private final java.util.TreeSet<Long> ahead = new java.util.TreeSet<>();

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
					// A commit not yet fanned out still has its ticket open: start
					// below it, or a token would vouch for it.
					long committed = this.changeLog.currentSeq();
					Iterator<CommitTicket> open = this.openTickets.iterator();
					this.watermark = open.hasNext() ? Math.min(committed, open.next().seq() - 1) : committed;
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
		if (!this.shared) {
			this.watermark = Math.max(watermark(), seq);
			return;
		}
		long current = watermark();
		synchronized (this.ahead) {
			if (seq <= current) {
				return;
			}
			this.ahead.add(seq);
			while (!this.ahead.isEmpty() && this.ahead.first() == current + 1) {
				current = this.ahead.pollFirst();
			}
			this.watermark = current;
		}
	}

	/**
	 * Move the watermark to a number up to which everything committed has been fanned
	 * out, whatever was heard of the numbers below it. Called by the dispatcher only.
	 */
	void advanceTo(long seq) {
		long current = Math.max(watermark(), seq);
		synchronized (this.ahead) {
			this.ahead.headSet(current, true).clear();
			while (!this.ahead.isEmpty() && this.ahead.first() == current + 1) {
				current = this.ahead.pollFirst();
			}
			this.watermark = current;
		}
	}

	void share() {
		this.shared = true;
	}

	boolean isShared() {
		return this.shared;
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
		return !since.equals(ResumeToken.NONE) && since.epoch().equals(epoch())
				&& (since.seq() <= watermark || (this.shared && since.seq() <= this.changeLog.currentSeq()));
	}

	private record Token(long seq, String value) {
	}

}
