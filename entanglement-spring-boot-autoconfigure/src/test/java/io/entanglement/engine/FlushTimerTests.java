package io.entanglement.engine;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FlushTimer}.
 *
 * @author Entanglement
 */
class FlushTimerTests {

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

	private final ExecutorService flushThreads = Executors.newFixedThreadPool(2);

	/** Tasks handed to the flush threads. */
	private final AtomicInteger handOvers = new AtomicInteger();

	private final FlushTimer flushes = new FlushTimer(this.timer, (task) -> {
		this.handOvers.incrementAndGet();
		this.flushThreads.execute(task);
	}, 2);

	@AfterEach
	void stop() {
		this.timer.shutdownNow();
		this.flushThreads.shutdownNow();
	}

	@Test
	void aFlushNeverRunsBeforeItsDelay() throws InterruptedException {
		int count = 200;
		CountDownLatch ran = new CountDownLatch(count);
		AtomicInteger early = new AtomicInteger();
		for (int i = 0; i < count; i++) {
			long delay = TimeUnit.MICROSECONDS.toNanos(ThreadLocalRandom.current().nextLong(1, 20_000));
			long due = System.nanoTime() + delay;
			this.flushes.schedule(() -> {
				if (System.nanoTime() < due) {
					early.incrementAndGet();
				}
				ran.countDown();
			}, delay);
		}
		assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(early).hasValue(0);
	}

	@Test
	void everyFlushRunsOnceWhileTicksFireAsOthersJoinThem() throws InterruptedException {
		// Four threads schedule 20,000 flushes over the next few milliseconds, so many
		// join a tick as it fires.
		int perThread = 5_000;
		ConcurrentHashMap<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
		CountDownLatch ran = new CountDownLatch(4 * perThread);
		List<Thread> schedulers = IntStream.range(0, 4).mapToObj((t) -> new Thread(() -> {
			for (int i = 0; i < perThread; i++) {
				int id = t * perThread + i;
				long delay = ThreadLocalRandom.current().nextLong(0, TimeUnit.MILLISECONDS.toNanos(3));
				this.flushes.schedule(() -> {
					runs.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
					ran.countDown();
				}, delay);
			}
		})).toList();
		schedulers.forEach(Thread::start);
		for (Thread thread : schedulers) {
			thread.join();
		}
		assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(runs).hasSize(4 * perThread);
		assertThat(runs.values()).allSatisfy((count) -> assertThat(count).hasValue(1));
	}

	@Test
	void theFlushesOfOneTickRunOnFewTasksAndTogether() throws InterruptedException {
		// 100 flushes due in the same millisecond: two tasks (one per flush thread), not
		// one hundred, and all within that tick's firing.
		CountDownLatch ran = new CountDownLatch(100);
		long delay = TimeUnit.MILLISECONDS.toNanos(20);
		for (int i = 0; i < 100; i++) {
			this.flushes.schedule(ran::countDown, delay - i * 1_000L);
		}
		assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
		// The 100 µs spread may straddle a tick boundary: at most two ticks.
		assertThat(this.handOvers.get()).isBetween(2, 4);
	}

	@Test
	void flushesDueNowRunOnceEachInOneTaskPerFlushThread() throws InterruptedException {
		int[] runs = new int[101];
		CountDownLatch ran = new CountDownLatch(101);
		this.flushes.runNow(IntStream.range(0, 101).<Runnable>mapToObj((i) -> () -> {
			runs[i]++;
			ran.countDown();
		}).toList());
		assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.handOvers).hasValue(2);
		assertThat(runs).containsOnly(1);
	}

	@Test
	void aFailingFlushDoesNotHoldUpTheOthersOfItsTick() throws InterruptedException {
		CountDownLatch ran = new CountDownLatch(10);
		long delay = TimeUnit.MILLISECONDS.toNanos(5);
		for (int i = 0; i < 10; i++) {
			this.flushes.schedule(() -> {
				throw new IllegalStateException("failed write");
			}, delay);
			this.flushes.schedule(ran::countDown, delay);
		}
		assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
	}

}
