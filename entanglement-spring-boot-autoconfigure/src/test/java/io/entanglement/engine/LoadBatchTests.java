package io.entanglement.engine;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.SyncViewer;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static io.entanglement.engine.Points.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Clients that reconnect together share one read of the change log for their catch-ups,
 * and each still gets what changed after its own token; a snapshot taken with them does
 * not hold them up.
 *
 * @author Entanglement
 */
class LoadBatchTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** The engine loads on as many threads as there are cores, at least two. */
	private static final int LOAD_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

	private final GatedChangeLog changeLog = new GatedChangeLog();

	private final InMemorySyncStore points = new InMemorySyncStore("point");

	private final List<SyncManager> managers = new ArrayList<>();

	@AfterEach
	void shutDown() {
		this.changeLog.open();
		this.managers.forEach(SyncManager::destroy);
	}

	@Test
	void catchUpsWaitingTogetherShareOneReadAndEachGetsWhatChangedAfterItsToken() throws Exception {
		SyncManager manager = manager();
		this.points.apply(upsert("1", 1));
		this.points.apply(upsert("2", 1));
		this.points.apply(upsert("3", 1));
		Points.commit(manager, this.points, this.changeLog, 1, upsert("1", 2));
		Points.commit(manager, this.points, this.changeLog, 2, upsert("2", 2));
		Points.commit(manager, this.points, this.changeLog, 3, upsert("3", 2));
		awaitWatermark(manager, 3);
		String afterFirst = manager.token(1);
		String afterSecond = manager.token(2);

		// Every load thread stops in its read; each takes the one catch-up waiting.
		this.changeLog.close();
		List<RecordingTransport> blocked = new ArrayList<>();
		for (int i = 0; i < LOAD_THREADS; i++) {
			blocked.add(resume(manager, "blocked-" + i, afterFirst));
			int reading = i + 1;
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.changeLog.reads).hasValue(reading));
		}
		// These wait while every load thread is busy.
		List<RecordingTransport> fromFirst = new ArrayList<>();
		List<RecordingTransport> fromSecond = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			fromFirst.add(resume(manager, "first-" + i, afterFirst));
			fromSecond.add(resume(manager, "second-" + i, afterSecond));
		}
		this.changeLog.open();

		for (RecordingTransport transport : blocked) {
			assertCaughtUp(transport, "2", "3");
		}
		for (RecordingTransport transport : fromFirst) {
			assertCaughtUp(transport, "2", "3");
		}
		for (RecordingTransport transport : fromSecond) {
			assertCaughtUp(transport, "3");
		}
		// The 20 that waited share the reads of the threads that took them: one each at
		// most, not one per catch-up.
		assertThat(this.changeLog.reads).hasValueLessThanOrEqualTo(2 * LOAD_THREADS);
		assertThat(this.changeLog.lowestAfterSeq).hasValue(1);
	}

	@Test
	void aReadThatFailsIsTriedAgainAndTheCatchUpsArriveWholeWithoutAReset() throws Exception {
		SyncManager manager = manager();
		this.points.apply(upsert("1", 1));
		this.points.apply(upsert("2", 1));
		Points.commit(manager, this.points, this.changeLog, 1, upsert("1", 2));
		Points.commit(manager, this.points, this.changeLog, 2, upsert("2", 2));
		awaitWatermark(manager, 2);
		String token = manager.token(1);

		this.changeLog.failNext.set(1);
		RecordingTransport first = resume(manager, "first", token);
		RecordingTransport second = resume(manager, "second", token);

		assertCaughtUp(first, "2");
		assertCaughtUp(second, "2");
		assertThat(this.changeLog.failNext).hasValue(0);
		assertThat(manager.metrics().loadsFailed()).isZero();
	}

	@Test
	void aCatchUpTakenWithASlowSnapshotDoesNotWaitForIt() throws Exception {
		SyncManager manager = manager();
		GatedStore slow = new GatedStore("slow");
		GatedStore slower = new GatedStore("slower");
		manager.register(slow);
		manager.register(slower);
		this.points.apply(upsert("1", 1));
		this.points.apply(upsert("2", 1));
		Points.commit(manager, this.points, this.changeLog, 1, upsert("2", 2));
		awaitWatermark(manager, 1);
		for (int i = 0; i < LOAD_THREADS; i++) {
			subscribe(manager, "blocked-" + i, "slow");
			int reading = i + 1;
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(slow.reads).hasValue(reading));
		}
		// Queued together while every load thread is busy: the catch-up first.
		RecordingTransport resumed = resume(manager, "resumed", manager.token(0));
		RecordingTransport behind = subscribe(manager, "behind", "slower");
		slow.gate.countDown();

		assertCaughtUp(resumed, "2");
		assertThat(slower.reads).hasValueLessThanOrEqualTo(1);
		assertThat(behind.nextWriteWithin(Duration.ofMillis(100))).isNull();
		slower.gate.countDown();
		assertThat(behind.batchesUntilSynced("sub-1")).noneMatch(Batch::reset);
	}

	private static void assertCaughtUp(RecordingTransport transport, String... ids) throws InterruptedException {
		List<Batch> batches = transport.batchesUntilSynced("sub-1");
		assertThat(batches).noneMatch(Batch::reset);
		assertThat(Batch.opsAndIds(batches))
			.containsExactlyInAnyOrder(Arrays.stream(ids).map((id) -> tuple("upsert", id)).toArray(Tuple[]::new));
	}

	private static RecordingTransport resume(SyncManager manager, String session, String token) {
		RecordingTransport transport = RecordingTransport.fast();
		manager.subscribe(manager.open(new SyncViewer(session, () -> "alice"), transport), "sub-1", "point", token);
		return transport;
	}

	private static RecordingTransport subscribe(SyncManager manager, String session, String type) {
		RecordingTransport transport = RecordingTransport.fast();
		manager.subscribe(manager.open(new SyncViewer(session, () -> "alice"), transport), "sub-1", type, null);
		return transport;
	}

	private static void awaitWatermark(SyncManager manager, long seq) {
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(manager.watermark()).isEqualTo(seq));
	}

	private SyncManager manager() {
		SyncManager manager = new SyncManager(new AuthenticatedViewersPolicy(), this.changeLog,
				new ChangeEncoder(JsonMapper.builder().build()), SyncSettings.defaults());
		this.managers.add(manager);
		manager.register(this.points);
		manager.setLoadRetryDelay(Duration.ofMillis(10));
		return manager;
	}

	/**
	 * A change log whose reads can be held at a gate, or fail, and are counted.
	 */
	private static final class GatedChangeLog extends InMemoryChangeLog {

		final AtomicInteger reads = new AtomicInteger();

		final AtomicInteger failNext = new AtomicInteger();

		final AtomicInteger lowestAfterSeq = new AtomicInteger(Integer.MAX_VALUE);

		private volatile CountDownLatch gate = new CountDownLatch(0);

		void close() {
			this.gate = new CountDownLatch(1);
		}

		void open() {
			this.gate.countDown();
		}

		@Override
		public Changes changesAfter(String type, long afterSeq) {
			this.reads.incrementAndGet();
			this.lowestAfterSeq.accumulateAndGet((int) afterSeq, Math::min);
			if (this.failNext.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
				throw new IllegalStateException("change log unreachable");
			}
			try {
				if (!this.gate.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
					throw new IllegalStateException("The gate stayed closed");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return super.changesAfter(type, afterSeq);
		}

	}

	/**
	 * An empty store whose snapshot reads wait at a gate, and are counted.
	 */
	private static final class GatedStore extends ForwardingSyncStore {

		final AtomicInteger reads = new AtomicInteger();

		final CountDownLatch gate = new CountDownLatch(1);

		GatedStore(String type) {
			super(new InMemorySyncStore(type));
		}

		@Override
		public List<SyncChange> snapshot() {
			this.reads.incrementAndGet();
			try {
				if (!this.gate.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
					throw new IllegalStateException("The gate stayed closed");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return super.snapshot();
		}

	}

}
