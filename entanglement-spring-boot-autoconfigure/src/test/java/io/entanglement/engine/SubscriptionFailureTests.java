package io.entanglement.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;
import io.entanglement.UnavailableException;
import io.entanglement.engine.RecordingTransport.Ended;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static io.entanglement.engine.Points.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * A subscription whose objects cannot be loaded (the store unreachable, a policy that
 * throws) is tried again a few times, then ends with a typed {@code unavailable} the
 * client is told of, instead of waiting for ever; one a live change could not be queued
 * for is reset rather than left without it.
 *
 * @author Entanglement
 */
class SubscriptionFailureTests {

	private static final Duration QUIET = Duration.ofMillis(300);

	private static final SyncViewer ALICE = new SyncViewer("session-alice", () -> "alice");

	private static final SyncViewer MALLORY = new SyncViewer("session-mallory", () -> "mallory");

	private final InMemoryChangeLog changeLog = new InMemoryChangeLog();

	private final InMemorySyncStore points = new InMemorySyncStore("point");

	private final List<SyncManager> managers = new ArrayList<>();

	/** Decisions asked of the policy about mallory. */
	private final AtomicInteger malloryDecisions = new AtomicInteger();

	/** How the policy decides for mallory; everyone else sees everything. */
	private volatile Predicate<SyncChange> forMallory = (change) -> true;

	@AfterEach
	void shutDown() {
		this.managers.forEach(SyncManager::destroy);
	}

	@Test
	void aLoadThatKeepsFailingEndsTheSubscriptionWithUnavailableAndNothingMoreArrives() throws Exception {
		SyncManager manager = manager(Integer.MAX_VALUE);
		this.points.apply(upsert("1", 1));
		RecordingTransport mallory = RecordingTransport.fast();
		SessionOutbox malloryOutbox = manager.open(MALLORY, mallory);
		manager.subscribe(malloryOutbox, "sub-m", "point", null);
		RecordingTransport alice = RecordingTransport.fast();
		manager.subscribe(manager.open(ALICE, alice), "sub-a", "point", null);

		Ended ended = mallory.nextEnded();
		assertThat(ended.subscriptionId()).isEqualTo("sub-m");
		assertThat(ended.type()).isEqualTo("point");
		assertThat(ended.reason()).isInstanceOf(UnavailableException.class);
		assertThat(ended.reason().getCode()).isEqualTo("unavailable");
		// What failed stays in the server's log, not on the wire.
		assertThat(ended.reason().getMessage()).doesNotContain("policy bug");
		assertThat(this.malloryDecisions).hasValue(SyncManager.LOAD_ATTEMPTS);
		assertThat(malloryOutbox.subscriptionCount()).isZero();
		assertThat(manager.metrics().loadsFailed()).isOne();

		// The other side: alice's subscription is whole and live; mallory gets nothing.
		assertThat(alice.batchesUntilSynced("sub-a")).flatExtracting(Batch::ids).containsExactly("1");
		Points.commit(manager, this.points, this.changeLog, 1, upsert("1", 2));
		assertThat(Batch.of(alice.nextWrite().frames().get(0)).ids()).containsExactly("1");
		mallory.assertNoWriteWithin(QUIET);
		assertThat(mallory.endedSoFar()).isEmpty();
		assertThat(this.malloryDecisions).hasValue(SyncManager.LOAD_ATTEMPTS);
	}

	@Test
	void aLoadThatFailsTwiceIsTriedAgainAndArrivesWhole() throws Exception {
		SyncManager manager = manager(2);
		this.points.apply(upsert("1", 1));
		this.points.apply(upsert("2", 1));
		RecordingTransport mallory = RecordingTransport.fast();
		manager.subscribe(manager.open(MALLORY, mallory), "sub-m", "point", null);
		List<Batch> snapshot = mallory.batchesUntilSynced("sub-m");
		assertThat(snapshot).flatExtracting(Batch::ids).containsExactlyInAnyOrder("1", "2");
		assertThat(mallory.endedSoFar()).isEmpty();
		assertThat(manager.metrics().loadsFailed()).isZero();
		Points.commit(manager, this.points, this.changeLog, 1, upsert("2", 2));
		assertThat(Batch.of(mallory.nextWrite().frames().get(0)).ids()).containsExactly("2");
	}

	@Test
	void anUnsubscribedLoadIsNotTriedAgainNorReportedAsEnded() throws Exception {
		SyncManager manager = manager(Integer.MAX_VALUE);
		manager.setLoadRetryDelay(Duration.ofMillis(200));
		this.points.apply(upsert("1", 1));
		RecordingTransport mallory = RecordingTransport.fast();
		SessionOutbox outbox = manager.open(MALLORY, mallory);
		manager.subscribe(outbox, "sub-m", "point", null);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.malloryDecisions).hasValue(1));
		manager.unsubscribe(outbox, "sub-m");
		// Longer than the next two retries would take.
		await().during(Duration.ofMillis(2 * 200 + QUIET.toMillis()))
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.malloryDecisions).hasValueLessThanOrEqualTo(2));
		assertThat(mallory.endedSoFar()).isEmpty();
		assertThat(manager.metrics().loadsFailed()).isZero();
	}

	@Test
	void aLiveChangeThePolicyFailsOnResetsTheSubscriptionInsteadOfLeavingItOut() throws Exception {
		SyncManager manager = manager();
		this.points.apply(upsert("1", 1));
		this.points.apply(upsert("2", 1));
		RecordingTransport mallory = RecordingTransport.fast();
		manager.subscribe(manager.open(MALLORY, mallory), "sub-m", "point", null);
		RecordingTransport alice = RecordingTransport.fast();
		manager.subscribe(manager.open(ALICE, alice), "sub-a", "point", null);
		assertThat(mallory.batchesUntilSynced("sub-m")).flatExtracting(Batch::ids).containsExactly("1", "2");
		alice.batchesUntilSynced("sub-a");
		AtomicBoolean failOnce = new AtomicBoolean(true);
		this.forMallory = (change) -> {
			if (change.version() == 2 && failOnce.compareAndSet(true, false)) {
				throw new IllegalStateException("policy bug");
			}
			return true;
		};

		Points.commit(manager, this.points, this.changeLog, 1, upsert("2", 2));

		assertThat(Batch.of(alice.nextWrite().frames().get(0)).ids()).containsExactly("2");
		List<Batch> reset = mallory.batchesUntilSynced("sub-m");
		assertThat(reset.get(0).reset()).isTrue();
		assertThat(reset).flatExtracting(Batch::changes)
			.extracting(Batch.Change::id, Batch.Change::version)
			.containsExactlyInAnyOrder(tuple("1", 1L), tuple("2", 2L));
		assertThat(mallory.endedSoFar()).isEmpty();
	}

	@Test
	void aLiveChangeThePolicyFailsOnWhileTheSnapshotLoadsResetsOnceItIsLoaded() throws Exception {
		SyncManager manager = manager();
		this.points.apply(upsert("1", 1));
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean failOnce = new AtomicBoolean(true);
		this.forMallory = (change) -> {
			if (Thread.currentThread().getName().startsWith("entanglement-load") && loading.getCount() > 0) {
				// The snapshot holds version 1: hold it until the commit below has fanned
				// out.
				loading.countDown();
				waitFor(release);
			}
			if (change.version() == 2 && failOnce.compareAndSet(true, false)) {
				throw new IllegalStateException("policy bug");
			}
			return true;
		};
		RecordingTransport mallory = RecordingTransport.fast();
		manager.subscribe(manager.open(MALLORY, mallory), "sub-m", "point", null);
		assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
		Points.commit(manager, this.points, this.changeLog, 1, upsert("1", 2));
		await().atMost(Duration.ofSeconds(10)).until(() -> !failOnce.get());
		release.countDown();

		List<Batch> batches = mallory.batchesUntilSynced("sub-m");
		assertThat(batches.get(0).reset()).as("the first frame resets: the stale snapshot never goes out").isTrue();
		assertThat(batches).flatExtracting(Batch::changes)
			.extracting(Batch.Change::id, Batch.Change::version)
			.containsExactly(tuple("1", 2L));
	}

	@Test
	void anAccessChangeOfAnotherInstanceThePolicyFailsOnResetsThatSubscriptionAndAppliesToTheOthers() throws Exception {
		SyncManager manager = manager();
		this.points.apply(upsert("1", 1));
		RecordingTransport mallory = RecordingTransport.fast();
		manager.subscribe(manager.open(MALLORY, mallory), "sub-m", "point", null);
		RecordingTransport alice = RecordingTransport.fast();
		manager.subscribe(manager.open(ALICE, alice), "sub-a", "point", null);
		mallory.batchesUntilSynced("sub-m");
		alice.batchesUntilSynced("sub-a");
		AtomicBoolean failOnce = new AtomicBoolean(true);
		this.forMallory = (change) -> {
			if (failOnce.compareAndSet(true, false)) {
				throw new IllegalStateException("policy bug");
			}
			return true;
		};

		manager.remoteAccessChanged(1, List.of(new ObjectKey("point", "1")));

		List<Batch> reset = mallory.batchesUntilSynced("sub-m");
		assertThat(reset.get(0).reset()).isTrue();
		assertThat(reset).flatExtracting(Batch::ids).containsExactly("1");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(manager.watermark()).isEqualTo(1));
		alice.assertNoWriteWithin(QUIET);
	}

	/**
	 * A manager whose policy throws for mallory's first {@code failures} decisions, as a
	 * policy with a bug would, and lets everyone else see everything.
	 */
	private SyncManager manager(int failures) {
		this.forMallory = (change) -> {
			if (this.malloryDecisions.incrementAndGet() <= failures) {
				throw new IllegalStateException("policy bug");
			}
			return true;
		};
		return manager();
	}

	/**
	 * A manager whose policy decides for mallory with {@link #forMallory} and lets
	 * everyone else see everything.
	 */
	private SyncManager manager() {
		SyncPolicy policy = new SyncPolicy() {

			@Override
			public boolean maySee(SyncViewer viewer, SyncChange change) {
				return !"mallory".equals(viewer.name()) || SubscriptionFailureTests.this.forMallory.test(change);
			}

		};
		SyncManager manager = new SyncManager(policy, this.changeLog, new ChangeEncoder(JsonMapper.builder().build()),
				SyncSettings.defaults());
		this.managers.add(manager);
		manager.register(this.points);
		manager.setLoadRetryDelay(Duration.ofMillis(10));
		return manager;
	}

	private static void waitFor(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
