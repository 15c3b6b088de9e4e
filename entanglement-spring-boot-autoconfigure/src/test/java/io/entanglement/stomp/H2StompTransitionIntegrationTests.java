package io.entanglement.stomp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.entanglement.testapp.Marker;
import io.entanglement.testapp.MarkerRepository;
import io.entanglement.testapp.StompTestClient;
import io.entanglement.testapp.TestApplication;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transitions end to end: real STOMP clients drag objects, viewers see the uncommitted
 * state, and every transition ends exactly once for every viewer, however it ends.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "entanglement.transitions.ttl=2s", "entanglement.transitions.max-rate=10" })
class H2StompTransitionIntegrationTests {

	/** Long enough that a frame the server wrongly sent would have arrived. */
	private static final Duration QUIET = Duration.ofMillis(500);

	@LocalServerPort
	int port;

	@Autowired
	MarkerRepository markers;

	@BeforeEach
	void clean() {
		this.markers.deleteAll();
	}

	@Test
	void viewersSeeTheDragAndTheCommitEndsItWhileTheInitiatorSeesNoOverlay() throws Exception {
		Marker marker = this.markers.save(new Marker("camp", 1, 1));
		String id = String.valueOf(marker.getId());
		try (StompTestClient alice = subscribed("alice"); StompTestClient bob = subscribed("bob")) {
			drag(alice, id, "t1", 2);
			JsonNode seen = next(bob, "transition");
			assertThat(seen.get("id").asString()).isEqualTo(id);
			assertThat(seen.get("transition").asString()).isEqualTo("t1");
			assertThat(seen.get("by").asString()).isEqualTo("alice");
			assertThat(seen.get("state").get("lat").asDouble()).isEqualTo(2);

			alice.propose("marker",
					Map.of("requestId", requestId(), "id", id, "transition", "t1", "state", Map.of("lat", 3)));
			JsonNode reply = alice.nextReply();
			assertThat(reply.get("status").asString()).as(reply.toString()).isEqualTo("accepted");
			List<JsonNode> changes = until(bob, (change) -> op(change).equals("transition-end"));
			assertThat(changes).extracting(H2StompTransitionIntegrationTests::op).endsWith("upsert", "transition-end");
			assertThat(changes.get(changes.size() - 2).get("state").get("lat").asDouble()).isEqualTo(3);
			assertThat(changes.get(changes.size() - 1).get("reason").asString()).isEqualTo("committed");
			// The initiator sees the commit, never its own overlay.
			assertThat(until(alice, (change) -> op(change).equals("upsert")))
				.extracting(H2StompTransitionIntegrationTests::op)
				.containsOnly("upsert");
			alice.assertNoBatchWithin(QUIET);
			bob.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	void anotherTransitionBreaksTheFirstAndItsInitiatorIsTold() throws Exception {
		String id = String.valueOf(this.markers.save(new Marker("camp", 1, 1)).getId());
		try (StompTestClient alice = subscribed("alice");
				StompTestClient bob = subscribed("bob");
				StompTestClient erin = subscribed("erin")) {
			drag(alice, id, "t1", 2);
			next(erin, "transition");
			drag(bob, id, "t2", 5);
			List<JsonNode> seen = until(erin,
					(change) -> op(change).equals("transition") && change.get("transition").asString().equals("t2"));
			assertThat(seen).anySatisfy((change) -> {
				assertThat(op(change)).isEqualTo("transition-end");
				assertThat(change.get("transition").asString()).isEqualTo("t1");
				assertThat(change.get("reason").asString()).isEqualTo("broken");
			});
			JsonNode told = alice.nextReply();
			assertThat(told.get("code").asString()).isEqualTo("transition-broken");
			assertThat(told.get("transition").asString()).isEqualTo("t1");
			assertThat(told.get("reason").asString()).isEqualTo("broken");
			// Committing a broken transition is refused.
			alice.propose("marker",
					Map.of("requestId", requestId(), "id", id, "transition", "t1", "state", Map.of("lat", 3)));
			assertThat(alice.nextReply().get("code").asString()).isEqualTo("transition-broken");
		}
	}

	@Test
	void aConflictingCommitBreaksTheTransition() throws Exception {
		Marker marker = this.markers.save(new Marker("camp", 1, 1));
		String id = String.valueOf(marker.getId());
		try (StompTestClient alice = subscribed("alice"); StompTestClient bob = subscribed("bob")) {
			drag(alice, id, "t1", 2);
			next(bob, "transition");
			marker.setLng(9);
			this.markers.save(marker);
			List<JsonNode> changes = until(bob, (change) -> op(change).equals("transition-end"));
			assertThat(changes).extracting(H2StompTransitionIntegrationTests::op).endsWith("upsert", "transition-end");
			assertThat(changes.get(changes.size() - 1).get("reason").asString()).isEqualTo("broken");
			assertThat(alice.nextReply().get("reason").asString()).isEqualTo("broken");
		}
	}

	@Test
	void aCommittingProposalRefusedBeforeItIsAppliedRejectsTheTransition() throws Exception {
		String id = String.valueOf(this.markers.save(new Marker("camp", 1, 1)).getId());
		try (StompTestClient alice = subscribed("alice"); StompTestClient bob = subscribed("bob")) {
			drag(alice, id, "t1", 2);
			next(bob, "transition");
			alice.propose("marker", Map.of("requestId", requestId(), "id", id, "baseVersion", 7, "transition", "t1",
					"state", Map.of("lat", 2)));
			assertThat(alice.nextReply().get("code").asString()).isEqualTo("conflict");
			assertThat(next(bob, "transition-end").get("reason").asString()).isEqualTo("rejected");
			alice.assertNoReplyWithin(QUIET);
		}
	}

	@Test
	void theInitiatorMayEndItsTransitionAndViewersAreToldAtOnce() throws Exception {
		String id = String.valueOf(this.markers.save(new Marker("camp", 1, 1)).getId());
		try (StompTestClient alice = subscribed("alice"); StompTestClient bob = subscribed("bob")) {
			drag(alice, id, "t1", 2);
			next(bob, "transition");
			alice.send("/app/entanglement/marker/transition", Map.of("id", id, "transition", "t1", "end", true));
			assertThat(next(bob, "transition-end").get("reason").asString()).isEqualTo("broken");
			alice.assertNoReplyWithin(QUIET);
			bob.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	void aTransitionWithoutActivityExpires() throws Exception {
		String id = String.valueOf(this.markers.save(new Marker("camp", 1, 1)).getId());
		try (StompTestClient alice = subscribed("alice"); StompTestClient bob = subscribed("bob")) {
			drag(alice, id, "t1", 2);
			next(bob, "transition");
			JsonNode end = next(bob, "transition-end");
			assertThat(end.get("reason").asString()).isEqualTo("expired");
			assertThat(alice.nextReply().get("reason").asString()).isEqualTo("expired");
			bob.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	void theInitiatorDisconnectingMidDragLeavesNoOverlay() throws Exception {
		String id = String.valueOf(this.markers.save(new Marker("camp", 1, 1)).getId());
		try (StompTestClient bob = subscribed("bob")) {
			StompTestClient alice = subscribed("alice");
			drag(alice, id, "t1", 2);
			next(bob, "transition");
			alice.close();
			JsonNode end = next(bob, "transition-end");
			assertThat(end.get("transition").asString()).isEqualTo("t1");
			assertThat(end.get("reason").asString()).isEqualTo("broken");
		}
	}

	@Test
	void theOwnerSeesTheDragAndItsRejectionEndsIt() throws Exception {
		Marker marker = new Marker("meeting point", 1, 1);
		marker.setOwner("alice");
		String id = String.valueOf(this.markers.save(marker).getId());
		try (StompTestClient alice = subscribed("alice"); StompTestClient bob = subscribed("bob")) {
			alice.subscribeRequests();
			drag(bob, id, "t1", 2);
			assertThat(next(alice, "transition").get("by").asString()).isEqualTo("bob");
			bob.propose("marker",
					Map.of("requestId", requestId(), "id", id, "transition", "t1", "state", Map.of("lat", 2)));
			JsonNode request = alice.nextRequest();
			alice.send("/app/entanglement/requests/" + request.get("requestId").asString(),
					Map.of("decision", "reject", "code", "forbidden", "message", "Not there"));
			assertThat(alice.nextReply().get("status").asString()).isEqualTo("accepted");
			assertThat(bob.nextReply().get("code").asString()).isEqualTo("forbidden");
			assertThat(next(alice, "transition-end").get("reason").asString()).isEqualTo("rejected");
		}
	}

	@Test
	void viewersWhoMayNotSeeTheObjectReceiveNothingOfItsTransitions() throws Exception {
		Marker marker = new Marker("secret-cache", 1, 1);
		marker.setOwner("alice");
		String id = String.valueOf(this.markers.save(marker).getId());
		try (StompTestClient alice = subscribed("alice");
				StompTestClient aliceAgain = subscribed("alice");
				StompTestClient bob = subscribed("bob")) {
			drag(alice, id, "t1", 2);
			assertThat(next(aliceAgain, "transition").get("transition").asString()).isEqualTo("t1");
			alice.propose("marker",
					Map.of("requestId", requestId(), "id", id, "transition", "t1", "state", Map.of("lat", 2)));
			assertThat(alice.nextReply().get("status").asString()).isEqualTo("accepted");
			next(aliceAgain, "transition-end");
			bob.assertNoBatchWithin(QUIET);
			// Nor may it drag what it cannot see.
			drag(bob, id, "t2", 3);
			assertThat(bob.nextReply().get("code").asString()).isEqualTo("not-found");
			aliceAgain.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	void transitionUpdatesCoalesceToTheViewersRate() throws Exception {
		String id = String.valueOf(this.markers.save(new Marker("camp", 1, 1)).getId());
		try (StompTestClient alice = subscribed("alice"); StompTestClient bob = subscribed("bob")) {
			long start = System.nanoTime();
			for (int i = 1; i <= 100; i++) {
				drag(alice, id, "t1", i);
				Thread.sleep(5);
			}
			List<StompTestClient.Batch> batches = bob.drain(QUIET);
			double seconds = (System.nanoTime() - start) / 1e9;
			List<JsonNode> updates = batches.stream()
				.flatMap((batch) -> batch.changes().stream())
				.filter((change) -> op(change).equals("transition"))
				.toList();
			// At most ten frames a second (plus the first), and the last state arrives.
			assertThat(updates).hasSizeLessThanOrEqualTo((int) Math.ceil(seconds * 10) + 1);
			assertThat(updates.get(updates.size() - 1).get("state").get("lat").asDouble()).isEqualTo(100);
		}
	}

	private StompTestClient subscribed(String user) throws Exception {
		StompTestClient client = StompTestClient.connect(this.port, user);
		client.subscribe("marker");
		client.untilSynced();
		return client;
	}

	private static void drag(StompTestClient client, String id, String transition, double lat) {
		client.send("/app/entanglement/marker/transition",
				Map.of("id", id, "transition", transition, "state", Map.of("lat", lat)));
	}

	/**
	 * A fresh request id: a user's request ids are remembered across its sessions.
	 */
	private static String requestId() {
		return java.util.UUID.randomUUID().toString();
	}

	private static String op(JsonNode change) {
		return change.get("op").asString();
	}

	private static JsonNode next(StompTestClient client, String op) throws InterruptedException {
		List<JsonNode> changes = until(client, (change) -> op(change).equals(op));
		return changes.get(changes.size() - 1);
	}

	/**
	 * Changes up to and including the first that matches.
	 */
	private static List<JsonNode> until(StompTestClient client, Predicate<JsonNode> condition)
			throws InterruptedException {
		List<JsonNode> changes = new ArrayList<>();
		while (true) {
			for (JsonNode change : client.next().changes()) {
				changes.add(change);
				if (condition.test(change)) {
					return changes;
				}
			}
		}
	}

}
