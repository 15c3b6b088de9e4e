package io.entanglement.engine;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Runs the sessions' delayed flushes on the flush threads, gathered by millisecond: the
 * flushes due in the same tick share one timer and are handed over together, split into
 * at most one task per flush thread.
 * <p>
 * When writes are spaced out (a busy node, a byte budget), tens of thousands of flushes a
 * second are delayed. Timing each alone would cost a wake-up of the timer thread and of a
 * flush thread per write, and every session would queue on the timer's one lock; here the
 * timer wakes at most once per millisecond, and a flush thread takes a whole tick's
 * flushes at once. A flush runs in the tick its delay ends in or the one after, never
 * earlier.
 *
 * @author Entanglement
 */
final class FlushTimer {

	private static final Log logger = LogFactory.getLog(FlushTimer.class);

	/** The granularity of delayed flushes. */
	static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

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
			// Fired while this flush joined it: the next look finds a new tick or none.
			this.ticks.remove(tick, due);
		}
	}

	private void fire(long tick, Tick due) {
		this.ticks.remove(tick, due);
		Node first = due.close();
		int count = 0;
		for (Node node = first; node != null; node = node.next) {
			count++;
		}
		if (count == 0) {
			return;
		}
		int lanes = Math.min(this.lanes, count);
		int perLane = (count + lanes - 1) / lanes;
		Node node = first;
		while (node != null) {
			Node start = node;
			for (int i = 1; i < perLane && node.next != null; i++) {
				node = node.next;
			}
			Node next = node.next;
			node.next = null;
			this.flushThreads.execute(() -> runAll(start));
			node = next;
		}
	}

	private static void runAll(Node first) {
		for (Node node = first; node != null; node = node.next) {
			try {
				node.flush.run();
			}
			catch (RuntimeException ex) {
				// One session's failure must not hold up the others of its tick.
				logger.warn("A delayed flush failed", ex);
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

		Node next;

		Node(Runnable flush, Node next) {
			this.flush = flush;
			this.next = next;
		}

	}

}
