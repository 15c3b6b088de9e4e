package io.entanglement.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;
import io.entanglement.UnavailableException;
import io.entanglement.engine.RecordingTransport.Ended;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscription whose objects cannot be loaded (the store unreachable, a policy that
 * throws) is tried again a few times, then ends with a typed {@code unavailable} the
 * client is told of, instead of waiting for ever.
 *
 * @author Entanglement
 */
class SubscriptionLoadFailureTests {

	private static final Duration QUIET = Duration.ofMillis(300);

	private static final SyncViewer ALICE = new SyncViewer("session-alice", () -> "alice");

	private static final SyncViewer MALLORY = new SyncViewer("session-mallory", () -> "mallory");

	private final InMemoryChangeLog changeLog = new InMemoryChangeLog();

	private final InMemorySyncStore points = new InMemorySyncStore("point");

	private final List<SyncManager> managers = new ArrayList<>();

	/** Decisions asked of the policy about mallory. */
	private final AtomicInteger malloryDecisions = new AtomicInteger();

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
		commit(manager, 1, upsert("1", 2));
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
		commit(manager, 1, upsert("2", 2));
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
		Thread.sleep(2 * 200 + QUIET.toMillis());
		assertThat(this.malloryDecisions).hasValueLessThanOrEqualTo(2);
		assertThat(mallory.endedSoFar()).isEmpty();
		assertThat(manager.metrics().loadsFailed()).isZero();
	}

	/**
	 * A manager whose policy throws for mallory's first {@code failures} decisions, as a
	 * policy with a bug would, and lets everyone else see everything.
	 */
	private SyncManager manager(int failures) {
		SyncPolicy policy = new SyncPolicy() {

			@Override
			public boolean maySee(SyncViewer viewer, SyncChange change) {
				if ("mallory".equals(viewer.name())
						&& SubscriptionLoadFailureTests.this.malloryDecisions.incrementAndGet() <= failures) {
					throw new IllegalStateException("policy bug");
				}
				return true;
			}

		};
		SyncManager manager = new SyncManager(policy, this.changeLog, new ChangeEncoder(JsonMapper.builder().build()),
				SyncSettings.defaults());
		this.managers.add(manager);
		manager.register(this.points);
		manager.setLoadRetryDelay(Duration.ofMillis(10));
		return manager;
	}

	private void commit(SyncManager manager, long seq, SyncChange change) {
		CommitTicket ticket = manager.begin(seq);
		this.points.apply(change);
		this.changeLog.record(seq, change);
		manager.committed(ticket, List.of(change));
	}

	private static SyncChange upsert(String id, long version) {
		return SyncChange.upsert(new ObjectKey("point", id), "alice", version, Map.of("name", id + "@" + version));
	}

}
