package io.entanglement.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.entanglement.AccessScope;
import io.entanglement.ForbiddenException;
import io.entanglement.ObjectKey;
import io.entanglement.Proposal;
import io.entanglement.ProposalReply;
import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;
import io.entanglement.engine.AuthenticatedViewersPolicy;
import io.entanglement.engine.Batch;
import io.entanglement.engine.ChangeEncoder;
import io.entanglement.engine.InMemoryChangeLog;
import io.entanglement.engine.RecordingTransport;
import io.entanglement.engine.ResumeToken;
import io.entanglement.engine.SessionOutbox;
import io.entanglement.engine.SyncManager;
import io.entanglement.engine.SyncSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link EphemeralStore} on a real {@link SyncManager}.
 *
 * @author Entanglement
 */
class EphemeralStoreTests {

	private static final Duration LEAK_WINDOW = Duration.ofMillis(300);

	private final List<SyncManager> managers = new ArrayList<>();

	@AfterEach
	void shutDown() {
		this.managers.forEach(SyncManager::destroy);
	}

	@Test
	void serverWritesReachSubscribersAndCatchUpWorksWithinTheNodesLifetime() throws Exception {
		EphemeralStore cursors = EphemeralStore.of("cursor", "x", "y");
		SyncManager manager = manager(cursors);
		cursors.put("a", "alice", Map.of("x", 1, "y", 1));
		RecordingTransport first = RecordingTransport.fast();
		SessionOutbox outbox = manager.open(viewer("bob"), first);
		manager.subscribe(outbox, "sub-1", "cursor", null);
		List<Batch> snapshot = first.batchesUntilSynced("sub-1");
		assertThat(ids(snapshot)).containsExactly("a");
		cursors.put("a", "alice", Map.of("x", 2, "y", 2));
		List<Batch> live = first.nextWrite().batches();
		assertThat(live).singleElement()
			.satisfies((batch) -> assertThat(batch.changes()).extracting(Batch.Change::op, Batch.Change::version)
				.containsExactly(tuple("upsert", 1L)));
		String token = live.get(0).token();
		manager.close(outbox);

		// While away: one object changes many times, one is removed, one appears.
		cursors.put("b", "bob", Map.of("x", 0, "y", 0));
		for (int i = 3; i < 50; i++) {
			cursors.put("a", "alice", Map.of("x", i, "y", i));
		}
		cursors.remove("b");
		cursors.put("c", "carol", Map.of("x", 5, "y", 5));

		List<Batch> resumed = resume(manager, "bob", token);
		assertThat(resumed.get(0).reset()).isFalse();
		assertThat(resumed.stream().flatMap((batch) -> batch.changes().stream()))
			.extracting(Batch.Change::op, Batch.Change::id, Batch.Change::version)
			.containsExactlyInAnyOrder(tuple("upsert", "a", 48L), tuple("delete", "b", 1L), tuple("upsert", "c", 0L));
	}

	@Test
	void aTokenFromAnEarlierRunGetsAReset() throws Exception {
		EphemeralStore before = EphemeralStore.of("cursor", "x");
		SyncManager first = manager(before);
		before.put("a", null, Map.of("x", 1));
		RecordingTransport transport = RecordingTransport.fast();
		SessionOutbox outbox = first.open(viewer("bob"), transport);
		first.subscribe(outbox, "sub-1", "cursor", null);
		List<Batch> snapshot = transport.batchesUntilSynced("sub-1");
		String token = snapshot.get(snapshot.size() - 1).token();

		EphemeralStore after = EphemeralStore.of("cursor", "x");
		SyncManager restarted = manager(after);
		after.put("z", null, Map.of("x", 9));
		List<Batch> resumed = resume(restarted, "bob", token);
		assertThat(resumed.get(0).reset()).isTrue();
		assertThat(ids(resumed)).containsExactly("z");
	}

	@Test
	void catchUpLeavesOutWhatAViewerCouldNotSeeAtItsTokenAndStillCannot() throws Exception {
		EphemeralStore cursors = EphemeralStore.of("cursor", "team", "x");
		SyncManager manager = manager(new SameTeam(), cursors);
		cursors.put("a", "carol", Map.of("team", "red", "x", 1));
		cursors.put("b", "dave", Map.of("team", "blue", "x", 1));
		String aliceToken = subscribeAndLeave(manager, "alice", 2);
		String bobToken = subscribeAndLeave(manager, "bob", 2);
		RecordingTransport dave = watch(manager, "dave");

		cursors.put("b", "dave", Map.of("team", "blue", "x", 2));
		cursors.put("c", "dave", Map.of("team", "blue", "x", 1));
		cursors.put("a", "carol", Map.of("team", "red", "x", 2));
		cursors.put("c", "dave", Map.of("team", "blue", "x", 2));
		awaitHeard(dave, "upsert", "c", 1);

		List<Batch> aliceResumed = resume(manager, "alice", aliceToken);
		assertThat(aliceResumed).noneMatch(Batch::reset);
		assertThat(Batch.opsAndIds(aliceResumed)).containsExactly(tuple("upsert", "a"));
		List<Batch> bobResumed = resume(manager, "bob", bobToken);
		assertThat(bobResumed).noneMatch(Batch::reset);
		assertThat(Batch.opsAndIds(bobResumed)).containsExactlyInAnyOrder(tuple("upsert", "b"), tuple("upsert", "c"));
	}

	@Test
	void catchUpAfterAnObjectLeftAViewersSightResetsIt() throws Exception {
		EphemeralStore cursors = EphemeralStore.of("cursor", "team", "x");
		SyncManager manager = manager(new SameTeam(), cursors);
		cursors.put("a", "carol", Map.of("team", "red", "x", 1));
		cursors.put("b", "carol", Map.of("team", "red", "x", 1));
		cursors.put("c", "carol", Map.of("team", "red", "x", 1));
		String token = subscribeAndLeave(manager, "alice", 3);
		RecordingTransport dave = watch(manager, "dave");

		// One moves to the other team, one does and is then removed.
		cursors.put("a", "carol", Map.of("team", "blue", "x", 1));
		cursors.put("b", "carol", Map.of("team", "blue", "x", 1));
		cursors.remove("b");
		awaitHeard(dave, "delete", "b", 2);

		List<Batch> resumed = resume(manager, "alice", token);
		assertThat(resumed.get(0).reset()).isTrue();
		assertThat(ids(resumed)).containsExactly("c");
	}

	@Test
	void accessChangesAnnouncedForObjectsHeldInMemoryAreLiveAndReachClientsCatchingUp() throws Exception {
		EphemeralStore cursors = EphemeralStore.of("cursor", "team", "x");
		SameTeam teams = new SameTeam();
		SyncManager manager = manager(teams, cursors);
		cursors.put("a", "carol", Map.of("team", "red", "x", 1));
		cursors.put("b", "dave", Map.of("team", "blue", "x", 1));
		String token = subscribeAndLeave(manager, "alice", 2);
		RecordingTransport live = RecordingTransport.fast();
		manager.subscribe(manager.open(viewer("alice"), live), "sub-1", "cursor", null);
		assertThat(ids(live.batchesUntilSynced("sub-1"))).containsExactly("a");
		RecordingTransport bob = RecordingTransport.fast();
		manager.subscribe(manager.open(viewer("bob"), bob), "sub-1", "cursor", null);
		assertThat(ids(bob.batchesUntilSynced("sub-1"))).containsExactly("b");

		AccessScope before = teams.move("alice", "blue");
		manager.memoryAccessChanged(Map.of(new ObjectKey("cursor", "a"), before, new ObjectKey("cursor", "b"), before),
				Set.of());

		assertThat(changes(live)).containsExactlyInAnyOrder(tuple("forget", "a", 0L), tuple("upsert", "b", 0L));
		bob.assertNoWriteWithin(LEAK_WINDOW);
		// She could see 'a' at her token: she is told to forget it, as she was live.
		List<Batch> caughtUp = resume(manager, "alice", token);
		assertThat(caughtUp).noneMatch(Batch::reset);
		assertThat(Batch.opsAndIds(caughtUp)).containsExactlyInAnyOrder(tuple("forget", "a"), tuple("upsert", "b"));
	}

	@Test
	void catchUpNamesNoObjectToAViewerThatJoinedTheTeamItLeftAfterItLeft() throws Exception {
		EphemeralStore cursors = EphemeralStore.of("cursor", "team", "x");
		SameTeam teams = new SameTeam();
		SyncManager manager = manager(teams, cursors);
		cursors.put("a", "carol", Map.of("team", "green", "x", 1));
		keepAccessChangesFromNow(manager, cursors, teams);
		String token = subscribeAndLeave(manager, "alice", 3);
		RecordingTransport dave = watch(manager, "dave");

		cursors.put("a", "carol", Map.of("team", "blue", "x", 1));
		awaitHeard(dave, "upsert", "a", 1);
		// Alice joins the team 'a' was in when she left: no object of it changes access.
		teams.move("alice", "green");
		// Dave leaves the team 'a' is in now.
		manager.memoryAccessChanged(Map.of(new ObjectKey("cursor", "a"), teams.move("dave", "yellow")), Set.of());
		awaitHeard(dave, "forget", "a", 1);

		// The access announced since the token is not the access 'a' had at it.
		List<Batch> resumed = resume(manager, "alice", token);
		assertThat(ids(resumed)).doesNotContain("a");
	}

	@Test
	void anObjectRemovedAndPutBackElsewhereWhileAViewerWasAwayIsNotLeftWithIt() throws Exception {
		EphemeralStore cursors = EphemeralStore.of("cursor", "team", "x");
		SameTeam teams = new SameTeam();
		SyncManager manager = manager(teams, cursors);
		cursors.put("a", "carol", Map.of("team", "red", "x", 1));
		keepAccessChangesFromNow(manager, cursors, teams);
		String token = subscribeAndLeave(manager, "alice", 3);
		RecordingTransport dave = watch(manager, "dave");

		cursors.remove("a");
		cursors.put("a", "carol", Map.of("team", "blue", "x", 1));
		awaitHeard(dave, "upsert", "a", 2);
		// Dave leaves the team 'a' is in now: its access changed since alice's token.
		manager.memoryAccessChanged(Map.of(new ObjectKey("cursor", "a"), teams.move("dave", "yellow")), Set.of());
		awaitHeard(dave, "forget", "a", 2);

		// Put back, it had no known state before: alice, who held it, must drop it.
		List<Batch> resumed = resume(manager, "alice", token);
		List<String> toldOfA = resumed.stream()
			.flatMap((batch) -> batch.changes().stream())
			.filter((change) -> change.id().equals("a"))
			.map(Batch.Change::op)
			.toList();
		if (resumed.get(0).reset()) {
			assertThat(toldOfA).isEmpty();
		}
		else {
			assertThat(toldOfA).singleElement().isIn("forget", "delete");
		}
	}

	@Test
	void subscribersJoiningWhileObjectsChangeGetEachVersionOnce() throws Exception {
		EphemeralStore cursors = EphemeralStore.of("cursor", "x");
		SyncManager manager = manager(cursors);
		// A snapshot taken while an object is being put either misses that version (its
		// fan-out brings it) or sees it numbered (the fan-out is then known to repeat
		// it).
		AtomicInteger puts = new AtomicInteger();
		Thread writer = new Thread(() -> {
			for (int i = 0; i < 1_000_000 && !Thread.currentThread().isInterrupted(); i++) {
				cursors.put("c" + (i % 50), "alice", Map.of("x", i));
				puts.incrementAndGet();
			}
		});
		List<RecordingTransport> subscribers = new ArrayList<>();
		writer.start();
		try {
			for (int i = 0; i < 300; i++) {
				RecordingTransport subscriber = RecordingTransport.fast();
				manager.subscribe(manager.open(viewer("bob-" + i), subscriber), "sub-1", "cursor", null);
				subscribers.add(subscriber);
				// Each subscriber joins after a few more puts than the one before.
				int before = puts.get();
				await().pollDelay(Duration.ZERO)
					.pollInterval(Duration.ofMillis(1))
					.until(() -> puts.get() >= before + 5);
			}
		}
		finally {
			writer.interrupt();
			writer.join();
		}
		Set<String> last = new HashSet<>();
		for (int i = 0; i < 50; i++) {
			last.add("c" + i + "@" + Objects.requireNonNull(cursors.get("c" + i)).version());
		}
		for (RecordingTransport subscriber : subscribers) {
			// Fanned out in commit order: once the last versions are in, nothing older
			// can follow.
			List<String> received = new ArrayList<>();
			await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(() -> {
				subscriber.drainWrites()
					.stream()
					.flatMap((write) -> write.batches().stream())
					.flatMap((batch) -> batch.changes().stream())
					.forEach((change) -> received.add(change.id() + "@" + change.version()));
				return received.containsAll(last);
			});
			assertThat(received).doesNotHaveDuplicates();
		}
	}

	@Test
	void sessionBoundObjectsGoWhenTheirOwnersLastSessionCloses() throws Exception {
		EphemeralStore presence = EphemeralStore.of("presence", "status").sessionBound();
		SyncManager manager = manager(presence);
		SyncViewer aliceOne = viewer("alice");
		SyncViewer aliceTwo = new SyncViewer("alice-2", () -> "alice");
		manager.opened(aliceOne);
		manager.opened(aliceTwo);
		ProposalReply created = manager
			.propose(aliceOne, new Proposal("r1", "presence", null, null, Map.of("status", "online"), false))
			.get();
		assertThat(created.isAccepted()).isTrue();
		assertThat(presence.get(created.id()).owner()).isEqualTo("alice");
		RecordingTransport bob = RecordingTransport.fast();
		manager.subscribe(manager.open(viewer("bob"), bob), "sub-1", "presence", null);
		assertThat(ids(bob.batchesUntilSynced("sub-1"))).containsExactly(created.id());

		manager.closed(aliceOne);
		bob.assertNoWriteWithin(LEAK_WINDOW);
		manager.closed(aliceTwo);
		assertThat(changes(bob)).containsExactly(tuple("delete", created.id(), 1L));
		assertThat(presence.get(created.id())).isNull();
	}

	@Test
	void objectsWithoutChangesForTheirTimeToLiveAreRemoved() throws Exception {
		EphemeralStore typing = EphemeralStore.of("typing", "chat").ttl(Duration.ofMillis(200));
		SyncManager manager = manager(typing);
		typing.put("alice", "alice", Map.of("chat", "hikers"));
		RecordingTransport bob = RecordingTransport.fast();
		manager.subscribe(manager.open(viewer("bob"), bob), "sub-1", "typing", null);
		bob.batchesUntilSynced("sub-1");
		// Whatever else arrives first (the put's own fan-out may trail the snapshot), the
		// expiry arrives as a delete.
		List<org.assertj.core.groups.Tuple> received = new java.util.ArrayList<>();
		while (!received.contains(tuple("delete", "alice", 1L))) {
			List<org.assertj.core.groups.Tuple> next = changes(bob);
			assertThat(next).allSatisfy((change) -> assertThat(change.toList()).element(1).isEqualTo("alice"));
			received.addAll(next);
		}
		assertThat(received).last().isEqualTo(tuple("delete", "alice", 1L));
	}

	@Test
	void callsAreAnsweredThroughTheReplyAndStoreNothing() throws Exception {
		EphemeralStore echo = EphemeralStore.calls("echo", Set.of("text"), (caller, arguments) -> {
			if ("forbidden".equals(arguments.get("text"))) {
				throw new ForbiddenException("Not that");
			}
			return Map.of("text", caller + " said " + arguments.get("text"));
		});
		SyncManager manager = manager(echo);
		RecordingTransport bob = RecordingTransport.fast();
		manager.subscribe(manager.open(viewer("bob"), bob), "sub-1", "echo", null);
		bob.batchesUntilSynced("sub-1");

		ProposalReply reply = manager
			.propose(viewer("alice"), new Proposal("r1", "echo", null, null, Map.of("text", "hello"), false))
			.get();
		assertThat(reply.isAccepted()).isTrue();
		assertThat(reply.result()).containsEntry("text", "alice said hello");
		ProposalReply refused = manager
			.propose(viewer("alice"), new Proposal("r2", "echo", null, null, Map.of("text", "forbidden"), false))
			.get();
		assertThat(refused.code()).isEqualTo("forbidden");
		assertThat(refused.message()).isEqualTo("Not that");
		ProposalReply invalid = manager
			.propose(viewer("alice"), new Proposal("r3", "echo", null, null, Map.of("other", 1), false))
			.get();
		assertThat(invalid.code()).isEqualTo("invalid");
		assertThat(echo.snapshot()).isEmpty();
		bob.assertNoWriteWithin(LEAK_WINDOW);
	}

	@Test
	void everyVersionReachesASlowSubscriberInOrder() throws Exception {
		EphemeralStore chat = EphemeralStore.of("chat", "text").everyVersion();
		SyncManager manager = manager(chat);
		RecordingTransport slow = RecordingTransport.slow();
		manager.subscribe(manager.open(viewer("bob"), slow), "sub-1", "chat", null);
		RecordingTransport.Write snapshot = slow.nextWrite();
		for (int i = 0; i < 20; i++) {
			chat.put("m1", "alice", Map.of("text", "edit " + i));
		}
		snapshot.complete();
		List<Long> versions = new ArrayList<>();
		while (versions.size() < 20) {
			RecordingTransport.Write write = slow.nextWrite();
			write.batches().forEach((batch) -> batch.changes().forEach((change) -> versions.add(change.version())));
			write.complete();
		}
		assertThat(versions).containsExactlyElementsOf(java.util.stream.LongStream.range(0, 20).boxed().toList());
	}

	@Test
	void parentTypesReachASessionBeforeTheirChildren() throws Exception {
		EphemeralStore groups = EphemeralStore.of("group", "name");
		EphemeralStore members = EphemeralStore.of("member", "group").parents("group");
		SyncManager manager = manager(members);
		// The parent's snapshot is slow to load.
		manager.register(new io.entanglement.SyncStore() {

			@Override
			public String type() {
				return groups.type();
			}

			@Override
			public List<io.entanglement.SyncChange> snapshot() {
				try {
					Thread.sleep(300);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return groups.snapshot();
			}

			@Override
			public List<io.entanglement.SyncChange> load(java.util.Collection<String> ids) {
				return groups.load(ids);
			}

			@Override
			public Set<String> attributes() {
				return groups.attributes();
			}

			@Override
			public void attach(io.entanglement.StoreContext context) {
				groups.attach(context);
			}

			@Override
			public io.entanglement.SyncChange apply(io.entanglement.StoreWrite write) {
				return groups.apply(write);
			}

		});
		for (int i = 0; i < 200; i++) {
			groups.put("g" + i, null, Map.of("name", "group " + i));
			members.put("m" + i, null, Map.of("group", "g" + i));
		}
		RecordingTransport transport = RecordingTransport.fast();
		SessionOutbox outbox = manager.open(viewer("bob"), transport);
		// The child's snapshot is quick, the parent's slow.
		manager.subscribe(outbox, "groups", "group", null);
		manager.subscribe(outbox, "members", "member", null);
		List<Batch> received = new ArrayList<>();
		while (received.stream().noneMatch((batch) -> batch.type().equals("member") && batch.synced())) {
			received.addAll(transport.nextWrite().batches());
		}
		int lastGroup = -1;
		int firstMember = Integer.MAX_VALUE;
		for (int i = 0; i < received.size(); i++) {
			if (received.get(i).type().equals("group")) {
				lastGroup = i;
			}
			else {
				firstMember = Math.min(firstMember, i);
			}
		}
		assertThat(lastGroup).as("the groups arrived before the members were synced").isNotNegative();
		assertThat(received.get(lastGroup).synced()).isTrue();
		assertThat(lastGroup).isLessThan(firstMember);
	}

	@Test
	void anObjectPutAgainAfterItsRemovalContinuesWithNewerVersions() {
		EphemeralStore cursors = EphemeralStore.of("cursor", "x");
		manager(cursors);
		cursors.put("a", null, Map.of("x", 1));
		cursors.put("a", null, Map.of("x", 2));
		cursors.remove("a");
		assertThat(cursors.put("a", null, Map.of("x", 3)).version()).isEqualTo(3);
	}

	@Test
	void higherPriorityTypesGoFirst() throws Exception {
		EphemeralStore alerts = EphemeralStore.of("alert", "text").priority(10);
		EphemeralStore chatter = EphemeralStore.of("chatter", "text");
		SyncManager manager = manager(alerts, chatter);
		RecordingTransport slow = RecordingTransport.slow();
		SessionOutbox outbox = manager.open(viewer("bob"), slow);
		manager.subscribe(outbox, "chatter", "chatter", null);
		RecordingTransport.Write first = slow.nextWrite();
		manager.subscribe(outbox, "alerts", "alert", null);
		while (first.batches().stream().noneMatch((batch) -> batch.type().equals("alert"))) {
			first.complete();
			first = slow.nextWrite();
		}
		// While a write is in flight, both types queue; the next write serves alerts
		// first.
		chatter.put("c", null, Map.of("text", "hi"));
		alerts.put("a", null, Map.of("text", "fire"));
		awaitPending(outbox, 2);
		first.complete();
		RecordingTransport.Write next = slow.nextWrite();
		assertThat(next.batches()).extracting(Batch::type).containsExactly("alert", "chatter");
	}

	private static void awaitPending(SessionOutbox outbox, int count) {
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(outbox.pendingCount()).isEqualTo(count));
	}

	/**
	 * Change the access to another object: from then on, the manager keeps what catch-up
	 * needs to decide on access changes.
	 */
	private static void keepAccessChangesFromNow(SyncManager manager, EphemeralStore cursors, SameTeam teams) {
		cursors.put("z", "carol", Map.of("team", "green", "x", 1));
		manager.memoryAccessChanged(Map.of(new ObjectKey("cursor", "z"), teams.move("erin", "green")), Set.of());
	}

	/**
	 * Take a snapshot and leave with its token, once the publications made so far have
	 * been fanned out: a snapshot taken before names an earlier position (the watermark),
	 * from which catch-up may have to reset the client where these tests expect none.
	 * @param published how many publications were made so far
	 */
	private String subscribeAndLeave(SyncManager manager, String user, long published) {
		AtomicReference<String> token = new AtomicReference<>();
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			RecordingTransport transport = RecordingTransport.fast();
			SessionOutbox outbox = manager.open(viewer(user), transport);
			manager.subscribe(outbox, "sub-1", "cursor", null);
			List<Batch> snapshot = transport.batchesUntilSynced("sub-1");
			manager.close(outbox);
			token.set(snapshot.get(snapshot.size() - 1).token());
			return ResumeToken.parse(token.get()).seq() >= published;
		});
		return token.get();
	}

	private static RecordingTransport watch(SyncManager manager, String user) throws InterruptedException {
		RecordingTransport transport = RecordingTransport.fast();
		manager.subscribe(manager.open(viewer(user), transport), "sub-1", "cursor", null);
		transport.batchesUntilSynced("sub-1");
		return transport;
	}

	/**
	 * Wait until a watcher heard of a change: fan-out is in order, so every change made
	 * before it has been fanned out, and a client resuming now hears of them by catch-up
	 * only.
	 */
	private static void awaitHeard(RecordingTransport watcher, String op, String id, long version)
			throws InterruptedException {
		while (watcher.nextWrite()
			.batches()
			.stream()
			.flatMap((batch) -> batch.changes().stream())
			.noneMatch((change) -> change.op().equals(op) && change.id().equals(id) && change.version() == version)) {
			// Earlier changes: keep waiting.
		}
	}

	private static List<Batch> resume(SyncManager manager, String user, String token) throws InterruptedException {
		RecordingTransport transport = RecordingTransport.fast();
		manager.subscribe(manager.open(viewer(user), transport), "sub-1", "cursor", token);
		return transport.batchesUntilSynced("sub-1");
	}

	private SyncManager manager(EphemeralStore... stores) {
		return manager(new AuthenticatedViewersPolicy(), stores);
	}

	private SyncManager manager(SyncPolicy policy, EphemeralStore... stores) {
		SyncManager manager = new SyncManager(policy, new InMemoryChangeLog(),
				new ChangeEncoder(JsonMapper.builder().build()), SyncSettings.defaults());
		this.managers.add(manager);
		for (EphemeralStore store : stores) {
			manager.register(store);
		}
		return manager;
	}

	private static SyncViewer viewer(String name) {
		return new SyncViewer(name + "-session", () -> name);
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
			.map((change) -> tuple(change.op(), change.id(), change.version()))
			.toList();
	}

	/**
	 * Alice is on the red team, everybody else on the blue one unless moved; each sees
	 * its team's objects.
	 */
	private static final class SameTeam implements SyncPolicy {

		private final Map<String, String> teams = new java.util.concurrent.ConcurrentHashMap<>(Map.of("alice", "red"));

		private final ThreadLocal<Map<String, String>> before = new ThreadLocal<>();

		@Override
		public boolean maySee(SyncViewer viewer, SyncChange change) {
			Map<String, String> teams = Objects.requireNonNullElse(this.before.get(), this.teams);
			return Objects.equals(change.state().get("team"), teams.getOrDefault(viewer.name(), "blue"));
		}

		@Override
		public String accessState(SyncChange change) {
			return String.valueOf(change.state().get("team"));
		}

		/**
		 * Move someone to another team, as a membership kept elsewhere would.
		 * @return how access was before the move
		 */
		AccessScope move(String user, String team) {
			Map<String, String> teams = Map.copyOf(this.teams);
			this.teams.put(user, team);
			return (decision) -> {
				this.before.set(teams);
				try {
					return decision.getAsBoolean();
				}
				finally {
					this.before.remove();
				}
			};
		}

	}

}
