package io.entanglement.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntToLongFunction;

import io.entanglement.engine.SessionTransport;
import io.entanglement.engine.SyncFrame;
import org.jspecify.annotations.Nullable;

/**
 * Counts what the engine's flush threads hand to sessions, and lets the benchmark thread
 * wait until a number of changes has arrived. Each session's transport completes its
 * write at once, as a socket with room in its send buffer would.
 *
 * @author Entanglement
 */
final class DeliveryCounter {

	/** The sessions, opened during a benchmark's setup, checked in its tear-down. */
	private final List<Session> sessions = new ArrayList<>();

	private final AtomicLong changes = new AtomicLong();

	private final LongAdder frames = new LongAdder();

	private final LongAdder bodyBytes = new LongAdder();

	private volatile long target = Long.MAX_VALUE;

	private volatile @Nullable Thread waiter;

	/**
	 * A transport for one more session.
	 * @return the transport
	 */
	Session session() {
		Session session = new Session();
		this.sessions.add(session);
		return session;
	}

	/**
	 * Check that every session received what it should have.
	 * @param expected the number of changes session {@code i} (in the order of
	 * {@link #session()}) should have received
	 * @throws IllegalStateException if a session received more or fewer
	 */
	void expectEach(IntToLongFunction expected) {
		for (int i = 0; i < this.sessions.size(); i++) {
			long received = this.sessions.get(i).changes();
			if (received != expected.applyAsLong(i)) {
				throw new IllegalStateException(
						"Session " + i + " received " + received + " changes, expected " + expected.applyAsLong(i));
			}
		}
	}

	long changes() {
		return this.changes.get();
	}

	long frames() {
		return this.frames.sum();
	}

	long bodyBytes() {
		return this.bodyBytes.sum();
	}

	/**
	 * Block until the total number of delivered changes reaches {@code total}.
	 * @param total the total to wait for, counted since this counter was created
	 * @param timeout how long to wait before giving up
	 * @throws IllegalStateException if the changes did not arrive in time
	 */
	void await(long total, Duration timeout) {
		this.waiter = Thread.currentThread();
		this.target = total;
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.changes.get() < total) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				throw new IllegalStateException(
						"Only " + this.changes.get() + " of " + total + " changes were delivered within " + timeout);
			}
			// Woken by the delivery that reaches the target; the timeout only bounds a
			// missed wake-up.
			LockSupport.parkNanos(this, Math.min(left, 10_000_000));
		}
	}

	private void delivered(List<SyncFrame> frames, Session session) {
		int count = 0;
		long bytes = 0;
		for (SyncFrame frame : frames) {
			count += frame.changeCount();
			bytes += frame.bodyLength();
		}
		session.changes.addAndGet(count);
		this.frames.add(frames.size());
		this.bodyBytes.add(bytes);
		if (this.changes.addAndGet(count) >= this.target) {
			LockSupport.unpark(this.waiter);
		}
	}

	/**
	 * The transport of one session.
	 */
	final class Session implements SessionTransport {

		private final AtomicLong changes = new AtomicLong();

		@Override
		public void send(List<SyncFrame> frames, Runnable written) {
			delivered(frames, this);
			written.run();
		}

		/**
		 * The changes this session received.
		 * @return the count
		 */
		long changes() {
			return this.changes.get();
		}

	}

}
