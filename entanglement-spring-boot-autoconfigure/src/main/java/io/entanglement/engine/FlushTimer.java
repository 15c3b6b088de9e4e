package io.entanglement.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Runs the sessions' flushes on the flush threads, handed over together: the flushes a
 * fan-out makes due at once, and the delayed ones gathered by millisecond (those due in
 * the same tick share one timer). Each hand-over is split into at most one task per flush
 * thread.
 * <p>
 * When writes are spaced out (a busy node, a byte budget), tens of thousands of flushes a
 * second are delayed. Timing each alone would cost a wake-up of the timer thread and of a
 * flush thread per write, and every session would queue on the timer's one lock; here the
 * timer wakes at most once per millisecond, and a flush thread takes a whole tick's
 * flushes at once. A flush runs in the tick its delay ends in or the one after, never
 * earlier. A fan-out's flushes due at once likewise go over in one task per flush thread
 * rather than one per session.
 *
 * @author Entanglement
 */
final class FlushTimer {

	private static final Log logger = LogFactory.getLog(FlushTimer.class);

	/** The granularity of delayed flushes. */
	private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final ScheduledExecutorService timer;

	private final Executor flushThreads;

	private final int lanes;

	private final ConcurrentHashMap<Long, Tick> ticks = new ConcurrentHashMap<>();

	/**
	 * Create a flush timer.
	 * @param timer what times the ticks (its thread only hands them over)
	 * @param flushThreads where flushes run
	 * @param lanes the number of flush threads: a tick is split into at most that many
	 * tasks
	 */
	FlushTimer(ScheduledExecutorService timer, Executor flushThreads, int lanes) {
		this.timer = timer;
		this.flushThreads = flushThreads;
		this.lanes = Math.max(1, lanes);
	}

	/**
	 * Run a flush on the flush threads once a delay has passed.
	 * @param flush the flush
	 * @param delayNanos the delay, in nanoseconds
	 */
	void schedule(Runnable flush, long delayNanos) {
		long now = System.nanoTime();
		long tick = Math.floorDiv(now + Math.max(0, delayNanos) + TICK_NANOS - 1, TICK_NANOS);
		for (;;) {
			Tick due = this.ticks.get(tick);
			if (due == null) {
				Tick created = new Tick();
				due = this.ticks.putIfAbsent(tick, created);
				if (due == null) {
					due = created;
					long fireIn = tick * TICK_NANOS - now;
					this.timer.schedule(() -> fire(tick, created), fireIn, TimeUnit.NANOSECONDS);
				}
			}
			if (due.add(flush)) {
				return;
			}
			// Fired (and so removed) while this flush joined it: look again, for a new
			// tick or none.
		}
	}

	/**
	 * Run flushes on the flush threads now, split into at most one task per thread.
	 * @param flushes the flushes
	 */
	void runNow(List<Runnable> flushes) {
		int count = flushes.size();
		if (count == 0) {
			return;
		}
		int lanes = Math.min(this.lanes, count);
		int perLane = (count + lanes - 1) / lanes;
		for (int from = 0; from < count; from += perLane) {
			List<Runnable> lane = flushes.subList(from, Math.min(count, from + perLane));
			this.flushThreads.execute(() -> runAll(lane));
		}
	}

	private void fire(long tick, Tick due) {
		this.ticks.remove(tick, due);
		List<Runnable> flushes = new ArrayList<>();
		for (Node node = due.close(); node != null; node = node.next) {
			flushes.add(node.flush);
		}
		runNow(flushes);
	}

	private static void runAll(List<Runnable> flushes) {
		for (Runnable flush : flushes) {
			try {
				flush.run();
			}
			catch (RuntimeException ex) {
				// One session's failure must not hold up the others handed over with it.
				logger.warn("A flush failed", ex);
			}
		}
	}

	/**
	 * The flushes due in one tick: a lock-free stack, closed for good when the tick
	 * fires.
	 */
	private static final class Tick {

		private static final Node FIRED = new Node(() -> {
		}, null);

		private final AtomicReference<Node> head = new AtomicReference<>();

		boolean add(Runnable flush) {
			for (;;) {
				Node current = this.head.get();
				if (current == FIRED) {
					return false;
				}
				if (this.head.compareAndSet(current, new Node(flush, current))) {
					return true;
				}
			}
		}

		Node close() {
			return this.head.getAndSet(FIRED);
		}

	}

	private static final class Node {

		final Runnable flush;

		final Node next;

		Node(Runnable flush, Node next) {
			this.flush = flush;
			this.next = next;
		}

	}

}
