package io.entanglement.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.entanglement.ObjectKey;
import io.entanglement.OwnerDecision;
import io.entanglement.ProposalReply;
import io.entanglement.SyncChange;
import io.entanglement.SyncViewer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static io.entanglement.engine.Points.upsert;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link SyncManager} instances that share a change log and a store, as the
 * instances of one application share a database: what one commits reaches the other's
 * sessions, and the other's tokens never vouch for it before it has.
 *
 * @author Entanglement
 */
class SyncManagerClusterTests {

	private static final SyncViewer ALICE = new SyncViewer("session-1", () -> "alice");

	private final InMemoryChangeLog changeLog = new InMemoryChangeLog();

	private final InMemorySyncStore points = new InMemorySyncStore("point");

	private final ChangeEncoder encoder = new ChangeEncoder(JsonMapper.builder().build());

	private final List<SyncManager> managers = new ArrayList<>();

	@AfterEach
	void shutDown() {
		this.managers.forEach(SyncManager::destroy);
	}

	@Test
	void aTokenNeverVouchesForACommitOfAnotherInstanceNotYetHeard() throws Exception {
		Notices fromA = new Notices();
		SyncManager a = manager("a", fromA, Duration.ofHours(1));
		SyncManager b = manager("b", new Notices(), Duration.ofHours(1));
		this.points.apply(upsert("1", 1));
		this.points.apply(upsert("2", 1));
		RecordingTransport transport = RecordingTransport.fast();
		b.subscribe(b.open(ALICE, transport), "sub-1", "point", null);
		assertThat(Batch.of(transport.nextWrite().frames().get(0)).ids()).containsExactly("1", "2");

		// A takes number 1, B number 2; A's notice is still on its way.
		Points.commit(a, this.points, this.changeLog, 1, upsert("1", 2));
		Points.commit(b, this.points, this.changeLog, 2, upsert("2", 2));
		Batch fromB = Batch.of(transport.nextWrite().frames().get(0));
		assertThat(fromB.ids()).containsExactly("2");
		assertThat(fromB.token()).isEqualTo(InMemoryChangeLog.EPOCH + ".0");

		Notice notice = fromA.next();
		b.remoteCommitted(notice.seq(), notice.changes(), notice.previous());
		Batch heard = Batch.of(transport.nextWrite().frames().get(0));
		assertThat(heard.changes()).singleElement().satisfies((change) -> {
			assertThat(change.id()).isEqualTo("1");
			assertThat(change.version()).isEqualTo(2);
		});
		assertThat(heard.token()).isEqualTo(InMemoryChangeLog.EPOCH + ".2");
	}

	@Test
	void aGapThatNoNoticeFillsIsFilledFromTheChangeLog() throws Exception {
		SyncManager a = manager("a", new Notices(), Duration.ofHours(1));
		SyncManager b = manager("b", new Notices(), Duration.ofMillis(20));
		this.points.apply(upsert("1", 1));
		RecordingTransport transport = RecordingTransport.fast();
		b.subscribe(b.open(ALICE, transport), "sub-1", "point", null);
		transport.nextWrite();

		// A's notice is lost (the broker was away): B reads the change log.
		Points.commit(a, this.points, this.changeLog, 1, upsert("1", 2));
		Batch filled = Batch.of(transport.nextWrite().frames().get(0));
		assertThat(filled.changes()).singleElement().satisfies((change) -> {
			assertThat(change.id()).isEqualTo("1");
			assertThat(change.version()).isEqualTo(2);
		});
		assertThat(filled.token()).isEqualTo(InMemoryChangeLog.EPOCH + ".1");
		assertThat(b.metrics().resyncs()).isOne();
	}

	private SyncManager manager(String instanceId, Notices notices, Duration resyncInterval) {
		SyncManager manager = new SyncManager(new AuthenticatedViewersPolicy(), this.changeLog, this.encoder,
				SyncSettings.defaults());
		this.managers.add(manager);
		manager.register(this.points);
		manager.cluster(instanceId, notices, resyncInterval);
		return manager;
	}

	private record Notice(long seq, List<SyncChange> changes, @Nullable List<@Nullable SyncChange> previous) {
	}

	/**
	 * Keeps the notices an instance publishes, for the test to deliver (or lose).
	 */
	private static final class Notices implements ClusterLink {

		private final BlockingQueue<Notice> published = new LinkedBlockingQueue<>();

		Notice next() throws InterruptedException {
			Notice notice = this.published.poll(5, TimeUnit.SECONDS);
			assertThat(notice).as("notice").isNotNull();
			return notice;
		}

		@Override
		public void committed(long seq, List<SyncChange> changes, @Nullable List<@Nullable SyncChange> previous) {
			this.published.add(new Notice(seq, changes, previous));
		}

		@Override
		public void accessChanged(long seq, List<ObjectKey> keys, List<@Nullable Set<String>> formerAudiences) {
		}

		@Override
		public void transition(ObjectKey key, String transition, @Nullable String by,
				Map<String, @Nullable Object> state) {
		}

		@Override
		public void transitionEnded(ObjectKey key, String transition, String reason) {
		}

		@Override
		public CompletableFuture<ProposalReply> answer(String instanceId, SyncViewer owner, String requestId,
				OwnerDecision decision) {
			return new CompletableFuture<>();
		}

	}

}
