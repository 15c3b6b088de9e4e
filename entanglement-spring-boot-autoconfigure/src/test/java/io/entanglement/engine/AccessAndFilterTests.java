package io.entanglement.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.entanglement.AccessScope;
import io.entanglement.AudienceIndex;
import io.entanglement.ForbiddenException;
import io.entanglement.InvalidRequestException;
import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Tests for filters, the audience index and changes of access, driven through a real
 * {@link SyncManager} with an in-memory change log and store.
 *
 * @author Entanglement
 */
class AccessAndFilterTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** Long enough that a frame the engine wrongly released would have arrived. */
	private static final Duration LEAK_WINDOW = Duration.ofMillis(300);

	private final InMemoryChangeLog changeLog = new InMemoryChangeLog();

	private final InMemorySyncStore points = new InMemorySyncStore("point", Set.of("name", "team"), "label");

	private final ChangeEncoder encoder = new ChangeEncoder(JsonMapper.builder().build());

	private final Grants grants = new Grants();

	private final List<SyncManager> managers = new ArrayList<>();

	private long seq;

	@AfterEach
	void shutDown() {
		this.managers.forEach(SyncManager::destroy);
	}

	@Test
	void aFilteredSubscriptionReceivesOnlyMatchingObjectsAndForgetsThoseThatStopMatching() throws Exception {
		SyncManager manager = manager(new AuthenticatedViewersPolicy());
		store(point("1", 1, "red"), point("2", 1, "blue"));
		RecordingTransport red = RecordingTransport.fast();
		RecordingTransport all = RecordingTransport.fast();
		manager.subscribe(manager.open(viewer("alice"), red), "sub-1", "point", null, Map.of("team", "red"));
		manager.subscribe(manager.open(viewer("bob"), all), "sub-1", "point", null, Map.of());
		assertThat(ids(red.batchesUntilSynced("sub-1"))).containsExactly("1");
		assertThat(ids(all.batchesUntilSynced("sub-1"))).containsExactly("1", "2");

		commit(manager, point("2", 2, "red"), point("2", 1, "blue"));
		assertThat(changes(red)).containsExactly(tuple("upsert", "2"));
		assertThat(changes(all)).containsExactly(tuple("upsert", "2"));

		commit(manager, point("1", 2, "blue"), point("1", 1, "red"));
		assertThat(changes(red)).containsExactly(tuple("forget", "1"));
		assertThat(changes(all)).containsExactly(tuple("upsert", "1"));

		// Changes to an object the filter does not match never reach it.
		commit(manager, point("1", 3, "blue"), point("1", 2, "blue"));
		assertThat(changes(all)).containsExactly(tuple("upsert", "1"));
		red.assertNoWriteWithin(LEAK_WINDOW);
	}

	@Test
	void filtersNameOnlySynchronizedAttributesThatAreNotLabels() {
		SyncManager manager = manager(new AuthenticatedViewersPolicy());
		SessionOutbox outbox = manager.open(viewer("alice"), RecordingTransport.fast());
		assertThatExceptionOfType(InvalidRequestException.class)
			.isThrownBy(() -> manager.subscribe(outbox, "sub-1", "point", null, Map.of("label", "SECRET")))
			.withMessageContaining("security label");
		assertThatExceptionOfType(InvalidRequestException.class)
			.isThrownBy(() -> manager.subscribe(outbox, "sub-1", "point", null, Map.of("password", "x")))
			.withMessageContaining("not an attribute");
		assertThat(outbox.pendingCount()).isZero();
	}

	@Test
	void thePolicyMayRefuseASubscription() {
		SyncManager manager = manager(new SyncPolicy() {

			@Override
			public boolean maySee(SyncViewer viewer, SyncChange change) {
				return true;
			}

			@Override
			public boolean maySubscribe(SyncViewer viewer, String type, Map<String, String> filter) {
				return !filter.isEmpty();
			}

		});
		SessionOutbox outbox = manager.open(viewer("alice"), RecordingTransport.fast());
		assertThatExceptionOfType(ForbiddenException.class)
			.isThrownBy(() -> manager.subscribe(outbox, "sub-1", "point", null, Map.of()));
		manager.subscribe(outbox, "sub-1", "point", null, Map.of("team", "red"));
	}

	@Test
	void aChangeIsOfferedOnlyToTheViewersItsAudienceNames() throws Exception {
		SyncManager manager = manager(this.grants);
		this.grants.grant("1", "alice");
		store(point("1", 1, "red"));
		List<RecordingTransport> others = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			RecordingTransport transport = RecordingTransport.fast();
			manager.subscribe(manager.open(viewer("user-" + i), transport), "sub-1", "point", null);
			transport.batchesUntilSynced("sub-1");
			others.add(transport);
		}
		RecordingTransport alice = RecordingTransport.fast();
		manager.subscribe(manager.open(viewer("alice"), alice), "sub-1", "point", null);
		assertThat(ids(alice.batchesUntilSynced("sub-1"))).containsExactly("1");
		this.grants.asked.clear();

		commit(manager, point("1", 2, "red"), point("1", 1, "red"));
		assertThat(changes(alice)).containsExactly(tuple("upsert", "1"));
		// The policy was asked about the one candidate, not the fifty others.
		assertThat(this.grants.asked).containsExactly("alice");
		for (RecordingTransport other : others) {
			other.assertNoWriteWithin(Duration.ofMillis(10));
		}
	}

	@Test
	void losingAccessForgetsTheObjectAndGainingItSendsIt() throws Exception {
		SyncManager manager = manager(this.grants);
		this.grants.grant("1", "alice");
		store(point("1", 1, "red"));
		RecordingTransport alice = RecordingTransport.fast();
		RecordingTransport bob = RecordingTransport.fast();
		manager.subscribe(manager.open(viewer("alice"), alice), "sub-1", "point", null);
		manager.subscribe(manager.open(viewer("bob"), bob), "sub-1", "point", null);
		assertThat(ids(alice.batchesUntilSynced("sub-1"))).containsExactly("1");
		assertThat(ids(bob.batchesUntilSynced("sub-1"))).isEmpty();

		// Access moves from alice to bob; the object itself does not change.
		changeAccess(manager, "1", () -> {
			this.grants.revoke("1", "alice");
			this.grants.grant("1", "bob");
		});
		assertThat(changes(alice)).containsExactly(tuple("forget", "1"));
		assertThat(changes(bob)).containsExactly(tuple("upsert", "1"));

		commit(manager, point("1", 2, "red"), point("1", 1, "red"));
		assertThat(changes(bob)).containsExactly(tuple("upsert", "1"));
		alice.assertNoWriteWithin(LEAK_WINDOW);

		// Access granted back at the same version: the object comes back.
		changeAccess(manager, "1", () -> this.grants.grant("1", "alice"));
		assertThat(changes(alice)).containsExactly(tuple("upsert", "1"));
		bob.assertNoWriteWithin(LEAK_WINDOW);
	}

	@Test
	void catchUpAfterLosingAccessForgetsWhatTheViewerHeldAndNamesNothingToOthers() throws Exception {
		SyncManager manager = manager(this.grants);
		this.grants.grant("1", "alice");
		this.grants.grant("2", "alice");
		this.grants.grant("1", "bob");
		store(point("1", 1, "red"), point("2", 1, "red"));
		// A token past a commit can be caught up from.
		commit(manager, point("1", 2, "red"), point("1", 1, "red"));
		awaitWatermark(manager, this.seq);
		String aliceToken = tokenAfterSnapshot(manager, "alice");
		String bobToken = tokenAfterSnapshot(manager, "bob");

		changeAccess(manager, "2", () -> this.grants.revoke("2", "alice"));
		awaitWatermark(manager, this.seq);

		List<Batch> alice = resume(manager, "alice", aliceToken);
		assertThat(alice).noneMatch(Batch::reset);
		assertThat(Batch.opsAndIds(alice)).containsExactly(tuple("forget", "2"));
		// Bob never could see it: he hears nothing of it, and is not reset for it.
		List<Batch> bob = resume(manager, "bob", bobToken);
		assertThat(bob).noneMatch(Batch::reset);
		assertThat(ids(bob)).isEmpty();
	}

	@Test
	void catchUpAfterLosingAccessResetsWhenThePolicyCannotTellWhoCouldSeeTheObjectAtTheToken() throws Exception {
		SyncManager manager = manager(this.grants);
		this.grants.grant("1", "alice");
		this.grants.grant("2", "alice");
		store(point("1", 1, "red"), point("2", 1, "red"));
		commit(manager, point("1", 2, "red"), point("1", 1, "red"));
		awaitWatermark(manager, this.seq);
		String token = tokenAfterSnapshot(manager, "alice");

		// The policy does not say what of a state it decides on: any change may have
		// changed who sees the object, before the change of access.
		commit(manager, point("2", 2, "red"), point("2", 1, "red"));
		changeAccess(manager, "2", () -> this.grants.revoke("2", "alice"));
		awaitWatermark(manager, this.seq);

		List<Batch> resumed = resume(manager, "alice", token);
		assertThat(resumed.get(0).reset()).isTrue();
		assertThat(ids(resumed)).containsExactly("1");
	}

	private static String tokenAfterSnapshot(SyncManager manager, String viewer) throws InterruptedException {
		RecordingTransport transport = RecordingTransport.fast();
		SessionOutbox outbox = manager.open(viewer(viewer), transport);
		manager.subscribe(outbox, "sub-1", "point", null);
		List<Batch> snapshot = transport.batchesUntilSynced("sub-1");
		manager.close(outbox);
		return snapshot.get(snapshot.size() - 1).token();
	}

	private static List<Batch> resume(SyncManager manager, String viewer, String token) throws InterruptedException {
		RecordingTransport transport = RecordingTransport.fast();
		manager.subscribe(manager.open(viewer(viewer), transport), "sub-1", "point", token);
		return transport.batchesUntilSynced("sub-1");
	}

	@Test
	void catchUpAfterAnObjectStoppedMatchingTheFilterForgetsIt() throws Exception {
		SyncManager manager = manager(new AuthenticatedViewersPolicy());
		store(point("1", 1, "red"), point("2", 1, "red"));
		commit(manager, point("1", 2, "red"), point("1", 1, "red"));
		awaitWatermark(manager, this.seq);
		RecordingTransport first = RecordingTransport.fast();
		SessionOutbox outbox = manager.open(viewer("alice"), first);
		manager.subscribe(outbox, "sub-1", "point", null, Map.of("team", "red"));
		List<Batch> snapshot = first.batchesUntilSynced("sub-1");
		String token = snapshot.get(snapshot.size() - 1).token();
		manager.close(outbox);

		commit(manager, point("2", 2, "blue"), point("2", 1, "red"));
		awaitWatermark(manager, this.seq);

		RecordingTransport second = RecordingTransport.fast();
		manager.subscribe(manager.open(viewer("alice"), second), "sub-1", "point", token, Map.of("team", "red"));
		List<Batch> resumed = second.batchesUntilSynced("sub-1");
		assertThat(resumed.get(0).reset()).isFalse();
		assertThat(Batch.opsAndIds(resumed)).containsExactly(tuple("forget", "2"));
	}

	private SyncManager manager(SyncPolicy policy) {
		SyncManager manager = new SyncManager(new CompositeSyncPolicy(List.of(policy)), this.changeLog, this.encoder,
				SyncSettings.defaults());
		this.managers.add(manager);
		manager.register(this.points);
		return manager;
	}

	private void store(SyncChange... changes) {
		for (SyncChange change : changes) {
			this.points.apply(change);
		}
	}

	private void commit(SyncManager manager, SyncChange change, SyncChange previous) {
		CommitTicket ticket = manager.begin(++this.seq);
		this.points.apply(change);
		this.changeLog.record(ticket.seq(), change);
		manager.committed(ticket, List.of(change), java.util.Arrays.asList(previous));
	}

	/**
	 * Change access as an access control list would: the decisions before the change are
	 * kept for the engine to compare.
	 */
	private void changeAccess(SyncManager manager, String id, Runnable change) {
		Map<String, Set<String>> before = this.grants.copy();
		CommitTicket ticket = manager.begin(++this.seq);
		SyncChange current = this.points.find(id);
		this.changeLog.record(ticket.seq(), current);
		change.run();
		AccessScope scope = (decision) -> this.grants.as(before, decision);
		manager.accessChanged(ticket, List.of(current), List.of(scope));
	}

	private static void awaitWatermark(SyncManager manager, long seq) {
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(manager.watermark()).isEqualTo(seq));
	}

	private static List<String> ids(List<Batch> batches) {
		return batches.stream().flatMap((batch) -> batch.ids().stream()).toList();
	}

	private static List<org.assertj.core.groups.Tuple> changes(RecordingTransport transport)
			throws InterruptedException {
		return transport.nextWrite()
			.batches()
			.stream()
			.flatMap((batch) -> batch.changes().stream())
			.map((change) -> tuple(change.op(), change.id()))
			.toList();
	}

	private static SyncViewer viewer(String name) {
		return new SyncViewer(name + "-session", () -> name);
	}

	private static SyncChange point(String id, long version, String team) {
		return SyncChange.upsert(new ObjectKey("point", id), "node", version, Map.of("name", id, "team", team));
	}

	/**
	 * A minimal access control list: who may see each object, by principal name, with an
	 * audience index over the names.
	 */
	private static final class Grants implements SyncPolicy, AudienceIndex {

		private final Map<String, Set<String>> readers = new ConcurrentHashMap<>();

		private final ThreadLocal<@Nullable Map<String, Set<String>>> override = new ThreadLocal<>();

		private final List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();

		void grant(String id, String name) {
			this.readers.computeIfAbsent(id, (key) -> ConcurrentHashMap.newKeySet()).add(name);
		}

		void revoke(String id, String name) {
			this.readers.getOrDefault(id, Set.of()).remove(name);
		}

		Map<String, Set<String>> copy() {
			Map<String, Set<String>> copy = new ConcurrentHashMap<>();
			this.readers.forEach((id, names) -> copy.put(id, Set.copyOf(names)));
			return copy;
		}

		boolean as(Map<String, Set<String>> grants, java.util.function.BooleanSupplier decision) {
			this.override.set(grants);
			try {
				return decision.getAsBoolean();
			}
			finally {
				this.override.remove();
			}
		}

		private Map<String, Set<String>> current() {
			Map<String, Set<String>> override = this.override.get();
			return (override != null) ? override : this.readers;
		}

		@Override
		public boolean maySee(SyncViewer viewer, SyncChange change) {
			this.asked.add(viewer.name());
			return current().getOrDefault(change.key().id(), Set.of()).contains(viewer.name());
		}

		@Override
		public AudienceIndex audience(String type) {
			return this;
		}

		@Override
		public Set<String> keys(SyncViewer viewer) {
			return Set.of(viewer.name());
		}

		@Override
		public Set<String> audience(SyncChange change) {
			return Set.copyOf(current().getOrDefault(change.key().id(), Set.of()));
		}

	}

}
