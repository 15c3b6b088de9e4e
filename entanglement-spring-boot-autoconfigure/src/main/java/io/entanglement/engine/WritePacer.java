package io.entanglement.engine;

import java.util.concurrent.atomic.LongAdder;

/**
 * Spaces out each session's writes while the sessions together ask for more writes per
 * second than the configured rate: changes coalesce per session meanwhile, so each write
 * carries more of them and the server and its clients spend less per change. Below the
 * rate, a session is written to as soon as it is idle.
 * <p>
 * Every period the pacer counts the writes asked for (one per session and fan-out, what
 * flushing at once would write) and the sessions that were written to; above the rate,
 * each of those sessions is written to at most once per {@code sessions / rate} seconds,
 * up to the longest delay allowed.
 *
 * @author Entanglement
 */
final class WritePacer {

	private static final long MIN_PERIOD_NANOS = 100_000_000L;

	private final long rate;

	private final long maxDelayNanos;

	private final long periodNanos;

	private final LongAdder asked = new LongAdder();

	private final LongAdder written = new LongAdder();

	private volatile long epoch;

	private volatile long delayNanos;

	WritePacer(long rate, long maxDelayNanos) {
		this.rate = rate;
		this.maxDelayNanos = maxDelayNanos;
		this.periodNanos = Math.max(MIN_PERIOD_NANOS, maxDelayNanos);
	}

	boolean enabled() {
		return this.rate > 0 && this.maxDelayNanos > 0;
	}

	long periodNanos() {
		return this.periodNanos;
	}

	/**
	 * Count writes asked for: the sessions one fan-out has given something to send.
	 * @param sessions the number of sessions
	 */
	void asked(int sessions) {
		this.asked.add(sessions);
	}

	/**
	 * Count a session written to in this period.
	 * @param outbox the session's outbox
	 */
	void wrote(SessionOutbox outbox) {
		long current = this.epoch;
		if (outbox.pacerEpoch != current) {
			outbox.pacerEpoch = current;
			this.written.increment();
		}
	}

	/**
	 * The shortest time between two writes to one session now.
	 * @return nanoseconds, zero while the rate is not exceeded
	 */
	long delayNanos() {
		return this.delayNanos;
	}

	/**
	 * End a period: decide the spacing for the next one.
	 */
	void tick() {
		long askedPerSecond = this.asked.sumThenReset() * 1_000_000_000L / this.periodNanos;
		long sessions = this.written.sumThenReset();
		this.epoch++;
		this.delayNanos = (askedPerSecond > this.rate)
				? Math.min(this.maxDelayNanos, sessions * 1_000_000_000L / this.rate) : 0;
	}

}
