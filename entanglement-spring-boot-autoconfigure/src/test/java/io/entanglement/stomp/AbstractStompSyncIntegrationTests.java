package io.entanglement.stomp;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.entanglement.engine.ChangeLog;
import io.entanglement.engine.SyncManager;
import io.entanglement.testapp.Marker;
import io.entanglement.testapp.MarkerRepository;
import io.entanglement.testapp.StompTestClient;
import io.entanglement.testapp.StompTestClient.Batch;
import io.entanglement.testapp.StompTestClient.View;
import io.entanglement.testapp.TestApplication;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sync loop end to end: JPA commits on a real database reach real STOMP clients over
 * a running server. Subclasses pick the database.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
abstract class AbstractStompSyncIntegrationTests {

	private static final Duration QUIET = Duration.ofMillis(500);

	@LocalServerPort
	int port;

	@Autowired
	MarkerRepository markers;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	SyncManager syncManager;

	@Autowired
	ChangeLog changeLog;

	@BeforeEach
	void clean() {
		this.markers.deleteAll();
	}

	@Test
	void subscriberReceivesSnapshotThenLiveUpdatesAndDeletes() throws Exception {
		Marker a = this.markers.save(new Marker("a", 1.5, 2.5));
		Marker b = this.markers.save(new Marker("b", 3.5, 4.5));
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker");
			View view = new View();
			List<Batch> snapshot = alice.untilSynced();
			view.apply(snapshot);
			assertThat(view.objects()).containsOnlyKeys(id(a), id(b));
			JsonNode first = view.objects().get(id(a));
			assertThat(first.get("op").asString()).isEqualTo("upsert");
			assertThat(first.get("owner").asString()).isEqualTo("test-node");
			assertThat(first.get("state").get("name").asString()).isEqualTo("a");
			assertThat(first.get("state").get("lat").asDouble()).isEqualTo(1.5);
			assertThat(first.get("state").has("secret")).isFalse();
			assertThat(first.get("state").has("version")).isFalse();
			assertThat(snapshot.get(snapshot.size() - 1).token()).isNotBlank();

			a.setLat(9.5);
			Marker updated = this.markers.save(a);
			Batch live = alice.next();
			assertThat(live.changes()).singleElement().satisfies((change) -> {
				assertThat(change.get("id").asString()).isEqualTo(id(a));
				assertThat(change.get("version").asLong()).isEqualTo(updated.getVersion());
				assertThat(change.get("state").get("lat").asDouble()).isEqualTo(9.5);
			});
			assertThat(live.synced()).isTrue();
			assertThat(live.token()).isNotEqualTo(snapshot.get(snapshot.size() - 1).token());

			this.markers.delete(b);
			Batch deleted = alice.next();
			assertThat(deleted.changes()).singleElement().satisfies((change) -> {
				assertThat(change.get("op").asString()).isEqualTo("delete");
				assertThat(change.get("id").asString()).isEqualTo(id(b));
				assertThat(change.get("version").asLong()).isGreaterThan(b.getVersion());
			});
		}
	}

	@Test
	void viewersWhoMayNoLongerSeeAnUpdatedObjectForgetItAndHearNothingMoreOfIt() throws Exception {
		Marker marker = new Marker("open", 1, 1);
		marker.setOwner("alice");
		marker = this.markers.save(marker);
		String id = id(marker);
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			alice.subscribe("marker");
			bob.subscribe("marker");
			assertThat(viewOf(alice.untilSynced()).objects()).containsKey(id);
			assertThat(viewOf(bob.untilSynced()).objects()).containsKey(id);

			marker.setName("secret-plan");
			marker = this.markers.save(marker);
			assertThat(alice.next().changes()).singleElement()
				.satisfies((change) -> assertThat(change.get("op").asString()).isEqualTo("upsert"));
			assertThat(bob.next().changes()).singleElement().satisfies((change) -> {
				assertThat(change.get("op").asString()).isEqualTo("forget");
				assertThat(change.get("id").asString()).isEqualTo(id);
				assertThat(change.has("state")).isFalse();
			});

			marker.setLat(2);
			marker = this.markers.save(marker);
			assertThat(alice.next().changes().get(0).get("state").get("lat").asDouble()).isEqualTo(2);
			bob.assertNoBatchWithin(QUIET);

			marker.setName("open-again");
			marker = this.markers.save(marker);
			alice.next();
			assertThat(bob.next().changes()).singleElement()
				.satisfies((change) -> assertThat(change.get("op").asString()).isEqualTo("upsert"));

			marker.setName("secret-again");
			marker = this.markers.save(marker);
			alice.next();
			assertThat(bob.next().changes().get(0).get("op").asString()).isEqualTo("forget");
			this.markers.delete(marker);
			assertThat(alice.next().changes().get(0).get("op").asString()).isEqualTo("delete");
			bob.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	void aFilteredSubscriptionSeesOnlyMatchingObjectsAndForgetsThoseThatStopMatching() throws Exception {
		Marker camp = this.markers.save(new Marker("camp", 1, 1));
		Marker summit = this.markers.save(new Marker("summit", 2, 2));
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribeRaw("/entanglement/marker", Map.of("id", "filtered", "entanglement-filter", "name=camp"));
			assertThat(viewOf(alice.untilSynced()).objects()).containsOnlyKeys(id(camp));

			summit.setLat(3);
			summit = this.markers.save(summit);
			alice.assertNoBatchWithin(QUIET);

			camp.setName("base camp");
			String campId = id(this.markers.save(camp));
			assertThat(alice.next().changes()).singleElement().satisfies((change) -> {
				assertThat(change.get("op").asString()).isEqualTo("forget");
				assertThat(change.get("id").asString()).isEqualTo(campId);
			});
			summit = this.markers.findById(summit.getId()).orElseThrow();
			summit.setName("camp");
			String summitId = id(this.markers.save(summit));
			assertThat(alice.next().changes()).singleElement().satisfies((change) -> {
				assertThat(change.get("op").asString()).isEqualTo("upsert");
				assertThat(change.get("id").asString()).isEqualTo(summitId);
			});
		}
	}

	@Test
	void filtersOnIgnoredOrUnknownAttributesOrMalformedFiltersAreRefused() throws Exception {
		this.markers.save(new Marker("camp", 1, 1));
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			List<String> filters = List.of("secret=x", "nope=1", "name", "=x", "name=a&name=b", "name=%zz");
			for (String filter : filters) {
				alice.subscribeRaw("/entanglement/marker",
						Map.of("id", "f" + filters.indexOf(filter), "entanglement-filter", filter));
				JsonNode reply = alice.nextReply();
				assertThat(reply.get("code").asString()).as(filter).isEqualTo("invalid");
				assertThat(reply.get("destination").asString()).isEqualTo("/entanglement/marker");
				assertThat(reply.get("subscription").asString()).isEqualTo("f" + filters.indexOf(filter));
			}
			alice.assertNoBatchWithin(QUIET);
		}
	}

	private static View viewOf(List<Batch> batches) {
		View view = new View();
		view.apply(batches);
		return view;
	}

	@Test
	void rolledBackTransactionReachesNobody() throws Exception {
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker");
			alice.untilSynced();
			this.transactions.executeWithoutResult((status) -> {
				this.markers.save(new Marker("never", 0, 0));
				status.setRollbackOnly();
			});
			alice.assertNoBatchWithin(QUIET);
			this.markers.save(new Marker("later", 0, 0));
			assertThat(alice.next().changes()).singleElement()
				.satisfies((change) -> assertThat(change.get("state").get("name").asString()).isEqualTo("later"));
		}
	}

	@Test
	void severalChangesOfOneTransactionArriveInOneBatchWithTheLastState() throws Exception {
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker");
			alice.untilSynced();
			this.transactions.executeWithoutResult((status) -> {
				Marker x = this.markers.save(new Marker("x", 1, 1));
				this.markers.save(new Marker("y", 2, 2));
				x.setLat(42);
				this.markers.flush();
				x.setLng(43);
			});
			Batch batch = alice.next();
			assertThat(batch.changes()).hasSize(2);
			JsonNode x = batch.changes()
				.stream()
				.filter((change) -> change.get("state").get("name").asString().equals("x"))
				.findFirst()
				.orElseThrow();
			assertThat(x.get("state").get("lat").asDouble()).isEqualTo(42);
			assertThat(x.get("state").get("lng").asDouble()).isEqualTo(43);
		}
	}

	@Test
	void unknownTypeIsRefusedOnTheRepliesQueueAndTheSessionStaysUsable() throws Exception {
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("no-such-type");
			JsonNode reply = alice.nextReply();
			assertThat(reply.get("status").asString()).isEqualTo("rejected");
			assertThat(reply.get("code").asString()).isEqualTo("unknown-type");
			assertThat(reply.get("destination").asString()).isEqualTo("/entanglement/no-such-type");
			alice.assertNoBatchWithin(QUIET);
			alice.subscribe("marker");
			assertThat(alice.untilSynced()).isNotEmpty();
		}
	}

	@Test
	void malformedResumeTokenIsRefusedAsInvalid() throws Exception {
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker", "not a token\\c");
			JsonNode reply = alice.nextReply();
			assertThat(reply.get("code").asString()).isEqualTo("invalid");
			alice.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	void resumingWithATokenSendsExactlyWhatChangedSinceAtCurrentState() throws Exception {
		Marker kept = this.markers.save(new Marker("kept", 0, 0));
		Marker moving = this.markers.save(new Marker("moving", 0, 0));
		Marker doomed = this.markers.save(new Marker("doomed", 0, 0));
		String token;
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker");
			List<Batch> snapshot = alice.untilSynced();
			token = snapshot.get(snapshot.size() - 1).token();
		}
		for (int i = 1; i <= 20; i++) {
			moving.setLat(i);
			moving = this.markers.save(moving);
		}
		this.markers.delete(doomed);
		Marker created = this.markers.save(new Marker("created", 5, 5));

		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker", token);
			List<Batch> catchUp = alice.untilSynced();
			assertThat(catchUp).noneMatch(Batch::reset);
			List<JsonNode> changes = catchUp.stream().flatMap((batch) -> batch.changes().stream()).toList();
			assertThat(changes).extracting((change) -> change.get("id").asString())
				.containsExactlyInAnyOrder(id(moving), id(doomed), id(created))
				.doesNotContain(id(kept));
			String movingId = id(moving);
			JsonNode movingChange = changes.stream()
				.filter((change) -> change.get("id").asString().equals(movingId))
				.findFirst()
				.orElseThrow();
			assertThat(movingChange.get("version").asLong()).isEqualTo(moving.getVersion());
			assertThat(movingChange.get("state").get("lat").asDouble()).isEqualTo(20);
			assertThat(changes).filteredOn((change) -> change.get("id").asString().equals(id(doomed)))
				.singleElement()
				.satisfies((change) -> assertThat(change.get("op").asString()).isEqualTo("delete"));
		}
	}

	@Test
	void tokenFromAnotherDatabaseGetsResetAndFullSnapshot() throws Exception {
		Marker a = this.markers.save(new Marker("a", 0, 0));
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker", "0123456789abcdef.3");
			List<Batch> batches = alice.untilSynced();
			assertThat(batches.get(0).reset()).isTrue();
			View view = new View();
			view.apply(batches);
			assertThat(view.objects()).containsOnlyKeys(id(a));
		}
	}

	@Test
	void tokenOlderThanTheTombstoneHorizonGetsResetAndFullSnapshot() throws Exception {
		Marker a = this.markers.save(new Marker("a", 0, 0));
		Marker b = this.markers.save(new Marker("b", 0, 0));
		String token;
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker");
			List<Batch> snapshot = alice.untilSynced();
			token = snapshot.get(snapshot.size() - 1).token();
		}
		this.markers.delete(b);
		this.changeLog.purgeTombstones(Instant.now().plusSeconds(60));
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker", token);
			List<Batch> batches = alice.untilSynced();
			assertThat(batches.get(0).reset()).isTrue();
			View view = new View();
			view.apply(batches);
			assertThat(view.objects()).containsOnlyKeys(id(a));
		}
	}

	/**
	 * Clients subscribe and resume at random moments while several threads commit
	 * creates, updates and deletes concurrently. Every client must end with exactly the
	 * database's state, and no client may ever see an object's version go backwards.
	 */
	@Test
	void clientsSubscribingAndResumingDuringConcurrentCommitsConvergeWithoutGaps() throws Exception {
		List<Long> ids = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			ids.add(this.markers.save(new Marker("m" + i, 0, 0)).getId());
		}
		AtomicBoolean running = new AtomicBoolean(true);
		ExecutorService writers = Executors.newFixedThreadPool(3);
		for (int w = 0; w < 3; w++) {
			writers.execute(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				while (running.get()) {
					try {
						this.transactions.executeWithoutResult((status) -> {
							int action = random.nextInt(10);
							if (action == 0) {
								this.markers.save(new Marker("new", random.nextDouble(), 0));
							}
							else {
								Long id = ids.get(random.nextInt(ids.size()));
								this.markers.findById(id).ifPresent((marker) -> {
									if (action == 1 && random.nextInt(4) == 0) {
										this.markers.delete(marker);
									}
									else {
										marker.setLat(random.nextDouble());
									}
								});
							}
						});
					}
					catch (RuntimeException ex) {
						// Optimistic lock conflicts between writers are expected; try
						// again.
					}
				}
			});
		}
		try {
			List<StompTestClient> clients = new ArrayList<>();
			List<View> views = new ArrayList<>();
			Map<StompTestClient, String> tokens = new HashMap<>();
			for (int i = 0; i < 4; i++) {
				StompTestClient client = StompTestClient.connect(this.port, (i % 2 == 0) ? "alice" : "bob");
				client.subscribe("marker");
				View view = new View();
				List<Batch> batches = client.untilSynced();
				view.apply(batches);
				tokens.put(client, batches.get(batches.size() - 1).token());
				clients.add(client);
				views.add(view);
			}
			// Two clients drop and resume with the last token they fully received.
			for (int i = 0; i < 2; i++) {
				StompTestClient old = clients.get(i);
				List<Batch> received = old.drainFor(Duration.ofMillis(50));
				views.get(i).apply(received);
				String token = received.isEmpty() ? tokens.get(old) : lastSyncedToken(received, tokens.get(old));
				old.close();
				StompTestClient resumed = StompTestClient.connect(this.port, "alice");
				resumed.subscribe("marker", token);
				clients.set(i, resumed);
			}
			Instant end = Instant.now().plusSeconds(2);
			while (Instant.now().isBefore(end)) {
				for (int i = 0; i < clients.size(); i++) {
					views.get(i).apply(clients.get(i).drainFor(Duration.ofMillis(20)));
				}
			}
			running.set(false);
			writers.shutdown();
			assertThat(writers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
			Map<String, Long> expected = new HashMap<>();
			this.markers.findAll().forEach((marker) -> expected.put(id(marker), marker.getVersion()));
			for (int i = 0; i < clients.size(); i++) {
				views.get(i).apply(clients.get(i).drain(QUIET));
				assertThat(views.get(i).liveVersions()).as("client %d", i).isEqualTo(expected);
				assertThat(views.get(i).versionsGoingBackwards()).as("client %d", i).isEmpty();
				clients.get(i).close();
			}
		}
		finally {
			running.set(false);
			writers.shutdownNow();
		}
	}

	private static String lastSyncedToken(List<Batch> batches, String fallback) {
		String token = fallback;
		for (Batch batch : batches) {
			if (batch.synced()) {
				token = batch.token();
			}
		}
		return token;
	}

	static String id(Marker marker) {
		return String.valueOf(marker.getId());
	}

}
