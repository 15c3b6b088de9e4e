package io.entanglement.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import io.entanglement.InvalidRequestException;
import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;
import io.entanglement.UnknownTypeException;
import io.entanglement.engine.RecordingTransport.Write;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SessionOutbox}, driven through a real {@link SyncManager} with an
 * in-memory change log and store.
 *
 * @author Entanglement
 */
class SessionOutboxTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** Long enough that a frame the engine wrongly released would have arrived. */
	private static final Duration LEAK_WINDOW = Duration.ofMillis(300);

	private static final SyncViewer ALICE = new SyncViewer("session-1", () -> "alice");

	private final InMemoryChangeLog changeLog = new InMemoryChangeLog();

	private final InMemorySyncStore points = new InMemorySyncStore("point");

	private final InMemorySyncStore notes = new InMemorySyncStore("note");

	private final List<SyncManager> managers = new ArrayList<>();

	private final List<ScheduledExecutorService> producers = new ArrayList<>();

	private final ChangeEncoder encoder = new ChangeEncoder(JsonMapper.builder().build());

	/** Numbers the commits of tests that commit from several threads. */
	private final AtomicLong sequence = new AtomicLong();

	@AfterEach
	void shutDown() {
		this.producers.forEach(ScheduledExecutorService::shutdownNow);
		this.managers.forEach(SyncManager::destroy);
	}

	@Test
	void snapshotArrivesFirstThenLiveChanges() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		store(upsert("1", 1), upsert("2", 1));
		RecordingTransport transport = RecordingTransport.fast();
		manager.subscribe(manager.open(ALICE, transport), "sub-1", "point", null);
		Batch snapshot = single(transport.nextWrite());
		assertThat(snapshot.subscriptionId()).isEqualTo("sub-1");
		assertThat(snapshot.destination()).isEqualTo("/entanglement/point");
		assertThat(snapshot.type()).isEqualTo("point");
		assertThat(snapshot.ids()).containsExactly("1", "2");
		assertThat(snapshot.synced()).isTrue();
		assertThat(snapshot.reset()).isFalse();
		commit(manager, 1, upsert("1", 2));
		Batch live = single(transport.nextWrite());
		assertThat(live.changes()).singleElement().satisfies((change) -> {
			assertThat(change.op()).isEqualTo("upsert");
			assertThat(change.id()).isEqualTo("1");
			assertThat(change.owner()).isEqualTo("alice");
			assertThat(change.version()).isEqualTo(2);
			assertThat(change.state()).containsExactly(Map.entry("name", "1@2"));
		});
		assertThat(live.synced()).isTrue();
	}

	@Test
	void updatesToOneObjectWhileAWriteIsInFlightCoalesceIntoItsNewestVersion() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		store(upsert("1", 1));
		RecordingTransport transport = RecordingTransport.slow();
		SessionOutbox outbox = manager.open(ALICE, transport);
		manager.subscribe(outbox, "sub-1", "point", null);
		Write snapshot = transport.nextWrite();
		for (int version = 2; version <= 101; version++) {
			commit(manager, version - 1, upsert("1", version));
		}
		awaitWatermark(manager, 100);
		assertThat(manager.metrics().offered()).isEqualTo(100);
		assertThat(outbox.pendingCount()).isOne();
		snapshot.complete();
		Write next = transport.nextWrite();
		assertThat(next.frames()).hasSize(1);
		assertThat(single(next).changes()).singleElement().satisfies((change) -> {
			assertThat(change.version()).isEqualTo(101);
			assertThat(change.state()).containsEntry("name", "1@101");
		});
		next.complete();
		transport.assertNoWriteWithin(LEAK_WINDOW);
		assertThat(outbox.pendingCount()).isZero();
	}

	@Test
	void subscriptionThatTakesPatchesGetsOnlyTheChangedAttributesOfTheNextVersion() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		SyncChange first = marker(1, "red", 1.0);
		store(first);
		RecordingTransport patched = RecordingTransport.fast();
		RecordingTransport full = RecordingTransport.fast();
		manager.subscribe(manager.open(ALICE, patched), "sub-1", "point", null, Map.of(), true);
		manager.subscribe(manager.open(new SyncViewer("session-2", () -> "alice"), full), "sub-1", "point", null,
				Map.of(), false);
		single(patched.nextWrite());
		single(full.nextWrite());
		SyncChange second = marker(2, "red", 2.0);
		commitAfter(manager, 1, second, first);
		Batch.Change patch = single(patched.nextWrite()).changes().get(0);
		assertThat(patch.op()).isEqualTo("patch");
		assertThat(patch.version()).isEqualTo(2);
		assertThat(patch.state()).containsExactly(Map.entry("lat", 2.0));
		assertThat(patch.fields()).doesNotContain("owner");
		Batch.Change upsert = single(full.nextWrite()).changes().get(0);
		assertThat(upsert.op()).isEqualTo("upsert");
		assertThat(upsert.state()).containsOnlyKeys("name", "colour", "lat");
	}

	@Test
	void patchGoesOnlyOnTopOfTheVersionTheClientHolds() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		SyncChange first = marker(1, "red", 1.0);
		store(first);
		RecordingTransport transport = RecordingTransport.slow();
		manager.subscribe(manager.open(ALICE, transport), "sub-1", "point", null, Map.of(), true);
		Write snapshot = transport.nextWrite();
		// Versions 2 and 3 coalesce while the snapshot is in flight: the client holds 1,
		// so version 3 cannot go as a patch of 2.
		SyncChange second = marker(2, "red", 2.0);
		SyncChange third = marker(3, "red", 3.0);
		commitAfter(manager, 1, second, first);
		commitAfter(manager, 2, third, second);
		awaitWatermark(manager, 2);
		snapshot.complete();
		Write next = transport.nextWrite();
		assertThat(single(next).changes()).singleElement().satisfies((change) -> {
			assertThat(change.op()).isEqualTo("upsert");
			assertThat(change.version()).isEqualTo(3);
		});
		next.complete();
		commitAfter(manager, 3, marker(4, "blue", 3.0), third);
		Write patch = transport.nextWrite();
		assertThat(single(patch).changes()).singleElement().satisfies((change) -> {
			assertThat(change.op()).isEqualTo("patch");
			assertThat(change.state()).containsExactly(Map.entry("colour", "blue"));
		});
		patch.complete();
	}

	@Test
	void everyAttributeChangedGoesAsAFullState() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		SyncChange first = SyncChange.upsert(key("1"), "alice", 1, Map.of("name", "a"));
		store(first);
		RecordingTransport transport = RecordingTransport.fast();
		manager.subscribe(manager.open(ALICE, transport), "sub-1", "point", null, Map.of(), true);
		single(transport.nextWrite());
		commitAfter(manager, 1, SyncChange.upsert(key("1"), "alice", 2, Map.of("name", "b")), first);
		assertThat(single(transport.nextWrite()).changes()).singleElement()
			.satisfies((change) -> assertThat(change.op()).isEqualTo("upsert"));
	}

	@Test
	void severalPendingChangesLeaveInOneFrame() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		store(upsert("1", 1), upsert("2", 1));
		RecordingTransport transport = RecordingTransport.slow();
		manager.subscribe(manager.open(ALICE, transport), "sub-1", "point", null);
		Write snapshot = transport.nextWrite();
		commit(manager, 1, upsert("1", 2));
		commit(manager, 2, upsert("2", 2), upsert("3", 1));
		commit(manager, 3, upsert("1", 3));
		awaitWatermark(manager, 3);
		snapshot.complete();
		Write next = transport.nextWrite();
		assertThat(next.frames()).hasSize(1);
		Batch batch = single(next);
		assertThat(batch.changes()).extracting(Batch.Change::id, Batch.Change::version)
			.containsExactly(tuple("1", 3L), tuple("2", 2L), tuple("3", 1L));
		assertThat(batch.synced()).isTrue();
	}

	@Test
	void whileTheSessionsAskForMoreWritesThanTheRateEachSessionsWritesAreSpacedAndChangesCoalesce() throws Exception {
		// A period of 10 s: only the test ends periods here.
		SyncManager manager = manager(new SyncSettings(Duration.ZERO, 0, 10_000, 32 * 1024, Duration.ofDays(1), "node",
				Duration.ofSeconds(10), SyncSettings.DEFAULT_TRANSITION_TTL, SyncSettings.DEFAULT_TRANSITION_MAX_RATE,
				2, Duration.ofSeconds(10)));
		store(upsert("1", 1), upsert("2", 1));
		RecordingTransport transport = RecordingTransport.fast();
		manager.subscribe(manager.open(ALICE, transport), "sub-1", "point", null);
		Write snapshot = transport.nextWrite();
		// 100 writes asked for in 10 s is above 2 per second; one session wrote: it is
		// written to at most every half second.
		manager.pacer().asked(100);
		manager.pacer().tick();
		assertThat(manager.pacer().delayNanos()).isEqualTo(Duration.ofMillis(500).toNanos());
		commit(manager, 1, upsert("1", 2));
		commit(manager, 2, upsert("2", 2));
		Write next = transport.nextWrite();
		assertThat(single(next).changes()).extracting(Batch.Change::id, Batch.Change::version)
			.containsExactly(tuple("1", 2L), tuple("2", 2L));
		assertThat(next.nanoTime() - snapshot.nanoTime()).isGreaterThanOrEqualTo(Duration.ofMillis(500).toNanos());
		// Below the rate again: written to as soon as it is idle.
		manager.pacer().tick();
		assertThat(manager.pacer().delayNanos()).isZero();
		commit(manager, 3, upsert("1", 3));
		assertThat(single(transport.nextWrite()).changes()).extracting(Batch.Change::version).containsExactly(3L);
		commit(manager, 4, upsert("2", 3));
		assertThat(single(transport.nextWrite()).changes()).extracting(Batch.Change::version).containsExactly(3L);
	}

	@Test
	void deleteIsSentWithItsVersionAndNeitherOwnerNorState() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		store(upsert("1", 4));
		RecordingTransport transport = RecordingTransport.fast();
		manager.subscribe(manager.open(ALICE, transport), "sub-1", "point", null);
		transport.nextWrite();
		commit(manager, 1, SyncChange.delete(key("1"), 5));
		assertThat(single(transport.nextWrite()).changes()).singleElement().satisfies((change) -> {
			assertThat(change.op()).isEqualTo("delete");
			assertThat(change.id()).isEqualTo("1");
			assertThat(change.version()).isEqualTo(5);
			assertThat(change.fields()).containsExactlyInAnyOrder("op", "id", "version");
		});
	}

	@Test
	void lastFrameOfAWriteCarriesTheWatermarkAsItsResumeToken() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		store(upsert("1", 1));
		RecordingTransport transport = RecordingTransport.slow();
		manager.subscribe(manager.open(ALICE, transport), "sub-1", "point", null);
		Write snapshot = transport.nextWrite();
		assertThat(single(snapshot).token()).isEqualTo(manager.token(0)).isEqualTo("5eed.0");
		commit(manager, 1, upsert("1", 2));
		commit(manager, 2, upsert("2", 1));
		commit(manager, 3, upsert("3", 1));
		awaitWatermark(manager, 3);
		snapshot.complete();
		Batch batch = single(transport.nextWrite());
		assertThat(batch.synced()).isTrue();
		assertThat(batch.token()).isEqualTo(manager.token(manager.watermark())).isEqualTo("5eed.3");
	}

	@Test
	void snapshotLargerThanOneWriteSpansFramesAndOnlyTheLastIsSyncedWithANewToken() throws Exception {
		SyncManager manager = manager(framesOf1024Bytes(10_000));
		storeObjects(40);
		this.changeLog.record(7, upsert("object-0", 1));
		RecordingTransport transport = RecordingTransport.fast();
		manager.subscribe(manager.open(ALICE, transport), "sub-1", "point", null);
		List<Batch> batches = transport.batchesUntilSynced("sub-1");
		assertThat(batches).hasSizeGreaterThan(1);
		assertThat(batches.stream().flatMap((batch) -> batch.ids().stream()).toList()).hasSize(40)
			.doesNotHaveDuplicates();
		Batch last = batches.get(batches.size() - 1);
		assertThat(last.token()).isEqualTo("5eed.7");
		assertThat(batches.subList(0, batches.size() - 1)).allSatisfy((batch) -> {
			assertThat(batch.synced()).isFalse();
			assertThat(batch.token()).isEqualTo(ResumeToken.NONE.toString());
		});
	}

	@Test
	void byteBudgetHoldsWhileAHotObjectIsUpdatedContinuously() throws Exception {
		long rate = 4_000;
		int maxWrite = 1024;
		SyncManager manager = manager(new SyncSettings(Duration.ZERO, rate, 10_000, maxWrite, Duration.ofDays(1),
				"node", Duration.ofSeconds(10)));
		store(hot(1));
		RecordingTransport transport = RecordingTransport.fast();
		long start = System.nanoTime();
		manager.subscribe(manager.open(ALICE, transport), "sub-1", "point", null);
		int updates = 600;
		produce(manager, updates, this::hot);
		long produced = updates * (long) this.encoder.encode(hot(updates)).byteLength();
		long sent = 0;
		String last = "";
		// Until the newest state arrives after the updates stopped.
		while (!last.equals("hot v" + (updates + 1))) {
			Write write = transport.nextWrite();
			sent += write.bodyBytes();
			double seconds = (write.nanoTime() - start) / 1e9;
			// A token bucket that starts full: a second's worth at once, then the rate,
			// and at most one write beyond what it allows.
			assertThat(sent).as("bytes sent after %.3f s", seconds)
				.isLessThanOrEqualTo((long) (rate * (1 + seconds)) + maxWrite);
			last = lastChange(write.batches(), last);
		}
		assertThat(sent).as("bytes sent, of %d produced", produced).isLessThan(produced / 4);
	}

	@Test
	void byteBudgetIsSharedSoABusySubscriptionDoesNotStarveTheOthers() throws Exception {
		SyncManager manager = manager(new SyncSettings(Duration.ZERO, 2_000, 10_000, 1024, Duration.ofDays(1), "node",
				Duration.ofSeconds(10)));
		manager.register(this.notes);
		store(hot(1));
		RecordingTransport transport = RecordingTransport.fast();
		SessionOutbox outbox = manager.open(ALICE, transport);
		manager.subscribe(outbox, "points", "point", null);
		manager.subscribe(outbox, "notes", "note", null);
		produce(manager, 100_000, this::hot);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(manager.metrics().frames()).isGreaterThan(5));
		SyncChange note = SyncChange.upsert(new ObjectKey("note", "n1"), "alice", 1, Map.of("text", "hello"));
		commit(manager, this.sequence.incrementAndGet(), note);
		// Without a fair share it would wait for the hot object to calm down, which it
		// does not for minutes.
		List<String> received = new ArrayList<>();
		await().atMost(TIMEOUT).until(() -> {
			transport.drainWrites()
				.stream()
				.flatMap((write) -> write.batches().stream())
				.filter((batch) -> batch.subscriptionId().equals("notes"))
				.forEach((batch) -> received.addAll(batch.ids()));
			return received.contains("n1");
		});
	}

	@Test
	void subscriptionThatFallsTooFarBehindIsResetWithAFullSnapshot() throws Exception {
		SyncManager manager = manager(
				new SyncSettings(Duration.ZERO, 0, 5, 32 * 1024, Duration.ofDays(1), "node", Duration.ofSeconds(10)));
		store(upsert("1", 1), upsert("2", 1), upsert("3", 1));
		RecordingTransport transport = RecordingTransport.slow();
		SessionOutbox outbox = manager.open(ALICE, transport);
		manager.subscribe(outbox, "sub-1", "point", null);
		Write snapshot = transport.nextWrite();
		List<SyncChange> changes = new ArrayList<>();
		for (int i = 1; i <= 10; i++) {
			changes.add(upsert(String.valueOf(i), (i <= 3) ? 2 : 1));
		}
		// The store holds the final state before any of it is published, as it would
		// after the commits.
		changes.forEach(this.points::apply);
		for (int i = 0; i < changes.size(); i++) {
			CommitTicket ticket = manager.begin(i + 1);
			manager.committed(ticket, List.of(changes.get(i)));
		}
		awaitWatermark(manager, 10);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(manager.metrics().resets()).isOne());
		assertThat(outbox.pendingCount()).isLessThanOrEqualTo(10);
		snapshot.complete();
		List<Batch> batches = completeUntilSynced(transport);
		assertThat(batches.get(0).reset()).isTrue();
		assertThat(batches.stream().flatMap((batch) -> batch.changes().stream()))
			.extracting(Batch.Change::id, Batch.Change::version)
			.containsExactlyInAnyOrder(tuple("1", 2L), tuple("2", 2L), tuple("3", 2L), tuple("4", 1L), tuple("5", 1L),
					tuple("6", 1L), tuple("7", 1L), tuple("8", 1L), tuple("9", 1L), tuple("10", 1L));
		assertThat(manager.metrics().resets()).isOne();
	}

	@Test
	void theFreshSnapshotOfASubscriptionResetForFallingBehindNamesNoPositionUntilItIsComplete() throws Exception {
		SyncManager manager = manager(framesOf1024Bytes(5));
		storeObjects(40);
		RecordingTransport transport = RecordingTransport.slow();
		manager.subscribe(manager.open(ALICE, transport), "sub-1", "point", null);
		Write snapshot = transport.nextWrite();
		for (int i = 0; i < 40; i++) {
			SyncChange change = upsert("object-" + i, 2);
			this.points.apply(change);
			manager.committed(manager.begin(i + 1), List.of(change));
		}
		awaitWatermark(manager, 40);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(manager.metrics().resets()).isOne());
		snapshot.complete();
		List<Batch> batches = completeUntilSynced(transport);
		List<Batch> fresh = batches
			.subList(batches.indexOf(batches.stream().filter(Batch::reset).findFirst().orElseThrow()), batches.size());
		assertThat(fresh).hasSizeGreaterThan(1);
		assertThat(fresh.get(fresh.size() - 1).token()).isEqualTo("5eed.40");
		// A client that drops the connection in the middle must not resume from a
		// position: what it holds is not complete.
		assertThat(fresh.subList(0, fresh.size() - 1))
			.allSatisfy((batch) -> assertThat(batch.token()).isEqualTo(ResumeToken.NONE.toString()));
	}

	@Test
	void commitsCompletedOutOfSequenceOrderAreFannedOutInSequenceOrder() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		RecordingTransport transport = RecordingTransport.fast();
		manager.subscribe(manager.open(ALICE, transport), "sub-1", "point", null);
		transport.nextWrite();
		CommitTicket first = manager.begin(1);
		CommitTicket second = manager.begin(2);
		SyncChange a = upsert("a", 1);
		SyncChange b = upsert("b", 1);
		this.points.apply(a);
		this.points.apply(b);
		manager.committed(second, List.of(b));
		transport.assertNoWriteWithin(LEAK_WINDOW);
		assertThat(manager.watermark()).isZero();
		manager.committed(first, List.of(a));
		awaitWatermark(manager, 2);
		List<String> ids = new ArrayList<>();
		while (ids.size() < 2) {
			transport.nextWrite().batches().forEach((batch) -> ids.addAll(batch.ids()));
		}
		assertThat(ids).containsExactly("a", "b");
	}

	@Test
	void watermarkNeverPassesAnOpenTicket() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		RecordingTransport transport = RecordingTransport.fast();
		manager.subscribe(manager.open(ALICE, transport), "sub-1", "point", null);
		transport.nextWrite();
		CommitTicket first = manager.begin(1);
		CommitTicket second = manager.begin(2);
		CommitTicket third = manager.begin(3);
		commit(manager, first, upsert("a", 1));
		awaitWatermark(manager, 1);
		Batch afterFirst = single(transport.nextWrite());
		assertThat(afterFirst.ids()).containsExactly("a");
		commit(manager, third, upsert("c", 1));
		transport.assertNoWriteWithin(LEAK_WINDOW);
		assertThat(manager.watermark()).isOne();
		commit(manager, second, upsert("b", 1));
		awaitWatermark(manager, 3);
		List<Batch> batches = new ArrayList<>();
		while (batches.stream().mapToInt((batch) -> batch.changes().size()).sum() < 2) {
			batches.addAll(transport.nextWrite().batches());
		}
		assertThat(batches.stream().flatMap((batch) -> batch.ids().stream())).containsExactly("b", "c");
		assertThat(batches).extracting(Batch::token)
			.allSatisfy((token) -> assertThat(token).isIn("5eed.1", "5eed.2", "5eed.3"));
	}

	@Test
	void rolledBackTicketPublishesNothingAndLeavesTheWatermark() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		RecordingTransport transport = RecordingTransport.fast();
		manager.subscribe(manager.open(ALICE, transport), "sub-1", "point", null);
		transport.nextWrite();
		CommitTicket rolledBack = manager.begin(1);
		manager.rolledBack(rolledBack);
		transport.assertNoWriteWithin(LEAK_WINDOW);
		assertThat(manager.watermark()).isZero();
		assertThat(manager.metrics().commits()).isZero();
		// The database reuses a rolled-back number.
		commit(manager, 1, upsert("a", 1));
		awaitWatermark(manager, 1);
		assertThat(single(transport.nextWrite()).ids()).containsExactly("a");
	}

	@Test
	void rolledBackTicketDoesNotHoldBackLaterCommits() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		RecordingTransport transport = RecordingTransport.fast();
		manager.subscribe(manager.open(ALICE, transport), "sub-1", "point", null);
		transport.nextWrite();
		CommitTicket rolledBack = manager.begin(1);
		CommitTicket committed = manager.begin(2);
		commit(manager, committed, upsert("b", 1));
		transport.assertNoWriteWithin(LEAK_WINDOW);
		manager.rolledBack(rolledBack);
		awaitWatermark(manager, 2);
		assertThat(single(transport.nextWrite()).ids()).containsExactly("b");
	}

	@Test
	void resumeFromATokenSendsWhatChangedSinceAtItsCurrentState() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		store(upsert("unchanged", 1));
		record(1, upsert("unchanged", 1));
		record(2, upsert("changed", 1));
		record(3, upsert("changed", 2));
		record(4, upsert("changed", 9));
		store(upsert("changed", 9));
		record(5, SyncChange.delete(key("gone"), 3));
		Batch catchUp = subscribeAsAlice(manager, "5eed.1");
		assertThat(catchUp.reset()).isFalse();
		assertThat(catchUp.synced()).isTrue();
		assertThat(catchUp.token()).isEqualTo("5eed.5");
		assertThat(catchUp.changes()).extracting(Batch.Change::op, Batch.Change::id, Batch.Change::version)
			.containsExactlyInAnyOrder(tuple("upsert", "changed", 9L), tuple("delete", "gone", 3L));
	}

	@Test
	void resumeServesObjectsFannedOutHereWithoutReadingTheStoreAndReadsTheOthers() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		commit(manager, 1, upsert("a", 1));
		commit(manager, 2, upsert("b", 1));
		commit(manager, 3, upsert("a", 2));
		awaitWatermark(manager, 3);
		Batch catchUp = subscribeAsAlice(manager, "5eed.1");
		assertThat(catchUp.reset()).isFalse();
		assertThat(catchUp.changes())
			.extracting(Batch.Change::id, Batch.Change::version, (change) -> change.state().get("name"))
			.containsExactlyInAnyOrder(tuple("a", 2L, "a@2"), tuple("b", 1L, "b@1"));
		assertThat(this.points.loaded()).as("ids read from the store").isEmpty();

		// An instance that has fanned out none of them reads their current state.
		SyncManager restarted = manager(SyncSettings.defaults());
		RecordingTransport other = RecordingTransport.fast();
		restarted.subscribe(restarted.open(new SyncViewer("session-2", () -> "alice"), other), "sub-1", "point",
				"5eed.1");
		assertThat(single(other.nextWrite()).changes())
			.extracting(Batch.Change::id, Batch.Change::version, (change) -> change.state().get("name"))
			.containsExactlyInAnyOrder(tuple("a", 2L, "a@2"), tuple("b", 1L, "b@1"));
		assertThat(this.points.loaded()).as("ids read from the store").containsExactlyInAnyOrder("a", "b");
	}

	@Test
	void encodingsKeptStayWithinTheLimitAndTheDroppedOnesAreReadBackFromTheStore() throws Exception {
		SyncSettings defaults = SyncSettings.defaults();
		SyncManager manager = manager(new SyncSettings(defaults.flushInterval(), defaults.maxBytesPerSecond(),
				defaults.maxPending(), defaults.maxWriteBytes(), defaults.tombstoneRetention(), defaults.nodeId(),
				defaults.proposalTimeout(), defaults.transitionTtl(), defaults.transitionMaxRate(),
				defaults.maxWritesPerSecond(), defaults.maxCoalesceDelay(), 8));
		for (int i = 1; i <= 40; i++) {
			commit(manager, i, upsert("p" + i, 1));
		}
		awaitWatermark(manager, 40);
		// Trimmed once it holds an eighth more than the limit.
		assertThat(manager.keptEncodings()).isLessThanOrEqualTo(9);

		Batch catchUp = subscribeAsAlice(manager, "5eed.20");
		assertThat(catchUp.reset()).isFalse();
		assertThat(catchUp.changes()).extracting(Batch.Change::id, (change) -> change.state().get("name"))
			.containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(21, 40)
				.mapToObj((i) -> tuple("p" + i, "p" + i + "@1"))
				.toList());
		assertThat(this.points.loaded()).as("ids read from the store").hasSizeGreaterThanOrEqualTo(11);
	}

	@Test
	void resumeFromATokenOfAnotherDatabaseResetsWithAFullSnapshot() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		store(upsert("1", 1), upsert("2", 1));
		record(1, upsert("1", 1));
		record(2, upsert("2", 1));
		Batch snapshot = subscribeAsAlice(manager, "beef.1");
		assertThat(snapshot.reset()).isTrue();
		assertThat(snapshot.ids()).containsExactly("1", "2");
		assertThat(snapshot.token()).isEqualTo("5eed.2");
	}

	@Test
	void resumeFromATokenBeforeThePurgeHorizonResetsWithAFullSnapshot() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		store(upsert("1", 1));
		record(4, upsert("1", 1));
		this.changeLog.purgedUpTo(3);
		Batch snapshot = subscribeAsAlice(manager, "5eed.2");
		assertThat(snapshot.reset()).isTrue();
		assertThat(snapshot.ids()).containsExactly("1");
	}

	@Test
	void resumeFromASnapshotTakenBeforeTheFirstCommitCatchesUp() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		store(upsert("1", 1));
		Batch snapshot = subscribeAsAlice(manager, null);
		assertThat(snapshot.synced()).isTrue();
		assertThat(snapshot.token()).isEqualTo("5eed.0");
		commit(manager, 1, upsert("2", 1));
		awaitWatermark(manager, 1);

		Batch caughtUp = subscribeAsAlice(manager, snapshot.token());
		assertThat(caughtUp.reset()).isFalse();
		assertThat(caughtUp.ids()).containsExactly("2");
		assertThat(caughtUp.token()).isEqualTo("5eed.1");
	}

	@Test
	void resumeFromTheTokenOfNoPositionResetsWithAFullSnapshot() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		store(upsert("1", 1));
		Batch snapshot = subscribeAsAlice(manager, ResumeToken.NONE.toString());
		assertThat(snapshot.reset()).isTrue();
		assertThat(snapshot.ids()).containsExactly("1");
		assertThat(snapshot.token()).isEqualTo("5eed.0");
	}

	@Test
	void viewerThePolicyDeniesIsSyncedEmptyAndReceivesNoLiveChange() throws Exception {
		SyncPolicy onlyAlice = (viewer, change) -> viewer.principal() != null
				&& viewer.principal().getName().equals("alice");
		SyncManager manager = manager(onlyAlice, SyncSettings.defaults());
		store(upsert("1", 1));
		RecordingTransport alice = RecordingTransport.fast();
		RecordingTransport bob = RecordingTransport.fast();
		manager.subscribe(manager.open(ALICE, alice), "sub-1", "point", null);
		manager.subscribe(manager.open(new SyncViewer("session-2", () -> "bob"), bob), "sub-1", "point", null);
		assertThat(single(alice.nextWrite()).ids()).containsExactly("1");
		Batch bobSnapshot = single(bob.nextWrite());
		assertThat(bobSnapshot.synced()).isTrue();
		assertThat(bobSnapshot.changes()).isEmpty();
		commit(manager, 1, upsert("1", 2));
		assertThat(single(alice.nextWrite()).ids()).containsExactly("1");
		bob.assertNoWriteWithin(LEAK_WINDOW);
	}

	@Test
	void anonymousViewerSeesNothingUnderTheDefaultPolicy() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		store(upsert("1", 1));
		RecordingTransport transport = RecordingTransport.fast();
		manager.subscribe(manager.open(new SyncViewer("anonymous", null), transport), "sub-1", "point", null);
		assertThat(single(transport.nextWrite()).changes()).isEmpty();
		commit(manager, 1, upsert("1", 2));
		transport.assertNoWriteWithin(LEAK_WINDOW);
	}

	@Test
	void closedOutboxReceivesNothing() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		RecordingTransport transport = RecordingTransport.fast();
		SessionOutbox outbox = manager.open(ALICE, transport);
		manager.subscribe(outbox, "sub-1", "point", null);
		transport.nextWrite();
		manager.close(outbox);
		commit(manager, 1, upsert("1", 1));
		awaitWatermark(manager, 1);
		transport.assertNoWriteWithin(LEAK_WINDOW);
		assertThat(outbox.pendingCount()).isZero();
	}

	@Test
	void subscribingToAnUnknownTypeFails() {
		SyncManager manager = manager(SyncSettings.defaults());
		SessionOutbox outbox = manager.open(ALICE, RecordingTransport.fast());
		assertThatExceptionOfType(UnknownTypeException.class)
			.isThrownBy(() -> manager.subscribe(outbox, "sub-1", "nope", null))
			.withMessage("No synchronized type named 'nope'")
			.extracting(UnknownTypeException::getCode)
			.isEqualTo("unknown-type");
	}

	@Test
	void subscribingWithAMalformedTokenFailsAndLeavesTheSubscriptionIdFree() throws Exception {
		SyncManager manager = manager(SyncSettings.defaults());
		RecordingTransport transport = RecordingTransport.fast();
		SessionOutbox outbox = manager.open(ALICE, transport);
		assertThatExceptionOfType(InvalidRequestException.class)
			.isThrownBy(() -> manager.subscribe(outbox, "sub-1", "point", "5eed.1; DROP TABLE"))
			.withMessage("Malformed resume token")
			.extracting(InvalidRequestException::getCode)
			.isEqualTo("invalid");
		manager.subscribe(outbox, "sub-1", "point", null);
		assertThat(single(transport.nextWrite()).synced()).isTrue();
	}

	@Test
	void subscribingTwiceWithOneIdFails() {
		SyncManager manager = manager(SyncSettings.defaults());
		SessionOutbox outbox = manager.open(ALICE, RecordingTransport.fast());
		manager.subscribe(outbox, "sub-1", "point", null);
		assertThatExceptionOfType(InvalidRequestException.class)
			.isThrownBy(() -> manager.subscribe(outbox, "sub-1", "point", null))
			.withMessageContaining("'sub-1' is already in use");
	}

	private SyncManager manager(SyncSettings settings) {
		return manager(new AuthenticatedViewersPolicy(), settings);
	}

	private SyncManager manager(SyncPolicy policy, SyncSettings settings) {
		SyncManager manager = new SyncManager(policy, this.changeLog, this.encoder, settings);
		this.managers.add(manager);
		manager.register(this.points);
		return manager;
	}

	private void store(SyncChange... changes) {
		for (SyncChange change : changes) {
			this.points.apply(change);
		}
	}

	private void record(long seq, SyncChange change) {
		this.changeLog.record(seq, change);
	}

	/**
	 * Commit as a change capture would: the store changes, the number is logged, then the
	 * engine hears of it.
	 */
	private void commit(SyncManager manager, long seq, SyncChange... changes) {
		commit(manager, manager.begin(seq), changes);
	}

	private void commit(SyncManager manager, CommitTicket ticket, SyncChange... changes) {
		for (SyncChange change : changes) {
			(change.key().type().equals("note") ? this.notes : this.points).apply(change);
			this.changeLog.record(ticket.seq(), change);
		}
		manager.committed(ticket, List.of(changes));
	}

	/**
	 * Commit one update of an object every two milliseconds, numbered from
	 * {@link #sequence}; the version is the number plus one.
	 */
	private void produce(SyncManager manager, int updates, LongFunction<SyncChange> change) {
		ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
		this.producers.add(producer);
		AtomicLong count = new AtomicLong();
		producer.scheduleAtFixedRate(() -> {
			if (count.incrementAndGet() <= updates) {
				long seq = this.sequence.incrementAndGet();
				commit(manager, seq, change.apply(seq + 1));
			}
		}, 0, 2, TimeUnit.MILLISECONDS);
	}

	private static void awaitWatermark(SyncManager manager, long seq) {
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(manager.watermark()).isEqualTo(seq));
	}

	/**
	 * Settings whose frames hold at most 1 KB, so a snapshot of a few dozen objects spans
	 * several.
	 */
	private static SyncSettings framesOf1024Bytes(int maxPending) {
		return new SyncSettings(Duration.ZERO, 0, maxPending, 1024, Duration.ofDays(1), "node", Duration.ofSeconds(10));
	}

	private void storeObjects(int count) {
		for (int i = 0; i < count; i++) {
			store(upsert("object-" + i, 1));
		}
	}

	/**
	 * Complete a slow transport's writes one by one until a batch is synced.
	 */
	private static List<Batch> completeUntilSynced(RecordingTransport slow) throws InterruptedException {
		List<Batch> batches = new ArrayList<>();
		while (batches.isEmpty() || !batches.get(batches.size() - 1).synced()) {
			Write write = slow.nextWrite();
			batches.addAll(write.batches());
			write.complete();
		}
		return batches;
	}

	/**
	 * Subscribe as alice, from a token if one is given, and take the one batch that
	 * answers.
	 */
	private static Batch subscribeAsAlice(SyncManager manager, @Nullable String since) throws InterruptedException {
		RecordingTransport transport = RecordingTransport.fast();
		manager.subscribe(manager.open(ALICE, transport), "sub-1", "point", since);
		return single(transport.nextWrite());
	}

	private static Batch single(Write write) {
		assertThat(write.frames()).as("frames of one write").hasSize(1);
		return write.batches().get(0);
	}

	private static String lastChange(List<Batch> batches, String previous) {
		String last = previous;
		for (Batch batch : batches) {
			for (Batch.Change change : batch.changes()) {
				last = change.id() + " v" + change.version();
			}
		}
		return last;
	}

	private static SyncChange marker(long version, String colour, double lat) {
		Map<String, @Nullable Object> state = new LinkedHashMap<>();
		state.put("name", "marker");
		state.put("colour", colour);
		state.put("lat", lat);
		return SyncChange.upsert(key("1"), "alice", version, state);
	}

	/** Commit a change whose previous state the capture knows. */
	private void commitAfter(SyncManager manager, long seq, SyncChange change, SyncChange previous) {
		this.points.apply(change);
		this.changeLog.record(seq, change);
		manager.committed(manager.begin(seq), List.of(change), List.of(previous));
	}

	private SyncChange hot(long version) {
		return SyncChange.upsert(key("hot"), "alice", version,
				Map.of("name", "hot@" + version, "padding", "x".repeat(100)));
	}

	private static SyncChange upsert(String id, long version) {
		return SyncChange.upsert(key(id), "alice", version, Map.of("name", id + "@" + version));
	}

	private static ObjectKey key(String id) {
		return new ObjectKey("point", id);
	}

}
