package io.entanglement.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static io.entanglement.engine.Points.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * A commit the snapshot read sees, but whose own fan-out reaches the subscriber after the
 * snapshot did, is sent once: the version the snapshot carried is known until the
 * watermark has passed every number the read could have seen.
 *
 * @author Entanglement
 */
class LoadSettleTests {

	private static final Duration QUIET = Duration.ofMillis(300);

	private final InMemoryChangeLog changeLog = new InMemoryChangeLog();

	private final InMemorySyncStore points = new InMemorySyncStore("point");

	private final CountDownLatch snapshotSent = new CountDownLatch(1);

	private SyncManager manager;

	@AfterEach
	void shutDown() {
		this.snapshotSent.countDown();
		this.manager.destroy();
	}

	@Test
	void aCommitNumberedWhileTheSnapshotIsReadReachesTheSubscriberOnce() throws Exception {
		// The dispatcher decides for bob only once his snapshot has been written, so the
		// commit's fan-out comes after it.
		SyncPolicy policy = (viewer, change) -> {
			if (Thread.currentThread().getName().startsWith("entanglement-dispatch-")) {
				await().atMost(Duration.ofSeconds(10)).until(() -> this.snapshotSent.getCount() == 0);
			}
			return true;
		};
		this.manager = new SyncManager(policy, this.changeLog, new ChangeEncoder(JsonMapper.builder().build()),
				SyncSettings.defaults());
		this.manager.register(new CommittingWhileRead(this.points,
				() -> Points.commit(this.manager, this.points, this.changeLog, 1, upsert("late", 1))));
		RecordingTransport bob = RecordingTransport.fast();
		this.manager.subscribe(this.manager.open(new SyncViewer("session-bob", () -> "bob"), bob), "sub-1", "point",
				null);

		List<Batch> snapshot = bob.batchesUntilSynced("sub-1");
		assertThat(snapshot).flatExtracting(Batch::changes)
			.extracting(Batch.Change::op, Batch.Change::id, Batch.Change::version)
			.containsExactly(tuple("upsert", "late", 1L));
		this.snapshotSent.countDown();
		bob.assertNoWriteWithin(QUIET);
	}

	/**
	 * A store where another transaction commits, and is numbered, after a snapshot read
	 * began but before it returned: the read sees the commit.
	 */
	private static final class CommittingWhileRead extends ForwardingSyncStore {

		private final List<Runnable> duringFirstRead;

		CommittingWhileRead(InMemorySyncStore delegate, Runnable duringFirstRead) {
			super(delegate);
			this.duringFirstRead = new ArrayList<>(List.of(duringFirstRead));
		}

		@Override
		public synchronized List<SyncChange> snapshot() {
			this.duringFirstRead.forEach(Runnable::run);
			this.duringFirstRead.clear();
			return super.snapshot();
		}

	}

}
