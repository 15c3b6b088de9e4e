package io.entanglement.stomp;

import java.time.Duration;
import java.util.Map;

import io.entanglement.Proposal;
import io.entanglement.ProposalReply;
import io.entanglement.SyncViewer;
import io.entanglement.engine.SyncManager;
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
 * Proposals end to end: real STOMP clients propose, owners decide, proposers hear back
 * once. Subclasses pick the database.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
abstract class AbstractStompProposalIntegrationTests {

	private static final Duration QUIET = Duration.ofMillis(500);

	@LocalServerPort
	int port;

	@Autowired
	MarkerRepository markers;

	@Autowired
	SyncManager syncManager;

	@BeforeEach
	void clean() {
		this.markers.deleteAll();
	}

	@Test
	void proposalsCreateUpdateAndDeleteObjectsAndSubscribersSeeTheCommits() throws Exception {
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			bob.subscribe("marker");
			bob.untilSynced();

			alice.propose("marker", Map.of("requestId", "c1", "state", Map.of("name", "new", "lat", 1.5, "lng", 2)));
			JsonNode created = alice.nextReply();
			assertThat(created.get("requestId").asString()).isEqualTo("c1");
			assertThat(created.get("status").asString()).isEqualTo("accepted");
			String id = created.get("id").asString();
			assertThat(this.markers.findById(Long.valueOf(id))).get()
				.satisfies((marker) -> assertThat(marker.getLat()).isEqualTo(1.5));
			JsonNode seen = bob.next().changes().get(0);
			assertThat(seen.get("id").asString()).isEqualTo(id);
			// The type has an owner column, so the creator owns what it creates.
			assertThat(seen.get("owner").asString()).isEqualTo("alice");

			alice.propose("marker", Map.of("requestId", "u1", "id", id, "baseVersion", created.get("version").asLong(),
					"state", Map.of("lat", 7)));
			JsonNode updated = alice.nextReply();
			assertThat(updated.get("status").asString()).isEqualTo("accepted");
			assertThat(updated.get("version").asLong()).isGreaterThan(created.get("version").asLong());
			Marker stored = this.markers.findById(Long.valueOf(id)).orElseThrow();
			assertThat(stored.getLat()).isEqualTo(7);
			assertThat(stored.getLng()).isEqualTo(2);
			assertThat(bob.next().changes().get(0).get("state").get("lat").asDouble()).isEqualTo(7);

			alice.propose("marker", Map.of("requestId", "d1", "id", id, "delete", true));
			assertThat(alice.nextReply().get("status").asString()).isEqualTo("accepted");
			assertThat(this.markers.findById(Long.valueOf(id))).isEmpty();
			assertThat(bob.next().changes().get(0).get("op").asString()).isEqualTo("delete");
		}
	}

	@Test
	void staleBaseVersionIsAConflictWithTheCurrentStateAndChangesNothing() throws Exception {
		Marker marker = this.markers.save(new Marker("m", 1, 1));
		marker.setLat(2);
		marker = this.markers.save(marker);
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.propose("marker", Map.of("requestId", "r1", "id", String.valueOf(marker.getId()), "baseVersion",
					marker.getVersion() - 1, "state", Map.of("lat", 99)));
			JsonNode reply = alice.nextReply();
			assertThat(reply.get("code").asString()).isEqualTo("conflict");
			assertThat(reply.get("current").get("version").asLong()).isEqualTo(marker.getVersion());
			assertThat(reply.get("current").get("state").get("lat").asDouble()).isEqualTo(2);
		}
		assertThat(this.markers.findById(marker.getId()).orElseThrow().getLat()).isEqualTo(2);
	}

	@Test
	void forgedAndMalformedProposalsAreInvalidAndChangeNothing() throws Exception {
		Marker marker = this.markers.save(new Marker("m", 1, 1));
		String id = String.valueOf(marker.getId());
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			Object[] bodies = { Map.of("requestId", "f1", "id", id, "state", Map.of("version", 100)),
					Map.of("requestId", "f2", "id", id, "state", Map.of("owner", "alice")),
					Map.of("requestId", "f3", "id", id, "state", Map.of("id", "77")),
					Map.of("requestId", "f4", "id", id, "state", Map.of("secret", "x")),
					Map.of("requestId", "f5", "id", id, "state", Map.of("nope", 1)),
					Map.of("requestId", "f6", "id", id, "state", Map.of("lat", "north")),
					Map.of("requestId", "f7", "id", id, "state", Map.of("lat", 3), "extra", true),
					Map.of("requestId", "f8", "id", id, "baseVersion", "seven", "state", Map.of("lat", 3)) };
			for (Object body : bodies) {
				alice.propose("marker", body);
				JsonNode reply = alice.nextReply();
				assertThat(reply.get("status").asString()).as(body.toString()).isEqualTo("rejected");
				assertThat(reply.get("code").asString()).as(body.toString()).isEqualTo("invalid");
			}
			alice.propose("marker", "{not json");
			assertThat(alice.nextReply().get("code").asString()).isEqualTo("invalid");
			alice.propose("marker", "{\"requestId\":\"deep\",\"state\":" + "[".repeat(100) + "]".repeat(100) + "}");
			assertThat(alice.nextReply().get("code").asString()).isEqualTo("invalid");
			// Larger than the container's inbound buffer, smaller than the STOMP limit:
			// it arrives in parts and is decided like any other.
			alice.propose("marker",
					Map.of("requestId", "large", "id", id, "state", Map.of("lat", 3), "padding", "x".repeat(40_000)));
			assertThat(alice.nextReply().get("code").asString()).isEqualTo("invalid");
			alice.propose("no-such-type", Map.of("requestId", "t1", "state", Map.of()));
			assertThat(alice.nextReply().get("code").asString()).isEqualTo("unknown-type");
			alice.propose("marker", Map.of("requestId", "n1", "id", "424242", "state", Map.of("lat", 3)));
			assertThat(alice.nextReply().get("code").asString()).isEqualTo("not-found");
		}
		Marker unchanged = this.markers.findById(marker.getId()).orElseThrow();
		assertThat(unchanged.getVersion()).isEqualTo(marker.getVersion());
		assertThat(unchanged.getOwner()).isNull();
	}

	@Test
	void repeatedRequestIdIsAnsweredAgainButAppliedOnce() throws Exception {
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			Map<String, Object> create = Map.of("requestId", "once", "state",
					Map.of("name", "dup", "lat", 1, "lng", 1));
			alice.propose("marker", create);
			JsonNode first = alice.nextReply();
			alice.propose("marker", create);
			JsonNode second = alice.nextReply();
			assertThat(second).isEqualTo(first);
		}
		// A create is not idempotent: applying it twice would have made two markers.
		assertThat(this.markers.count()).isEqualTo(1);
	}

	@Test
	void proposalForAUserOwnedObjectIsForwardedToTheOwnerWhoAccepts() throws Exception {
		Marker marker = ownedBy("alice");
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			alice.subscribeRequests();
			bob.propose("marker",
					Map.of("requestId", "b1", "id", String.valueOf(marker.getId()), "state", Map.of("lat", 5)));
			JsonNode request = alice.nextRequest();
			assertThat(request.get("from").asString()).isEqualTo("bob");
			assertThat(request.get("type").asString()).isEqualTo("marker");
			assertThat(request.get("state").get("lat").asDouble()).isEqualTo(5);
			assertThat(this.markers.findById(marker.getId()).orElseThrow().getLat())
				.as("not applied before the owner decides")
				.isEqualTo(1);
			alice.send("/app/entanglement/requests/" + request.get("requestId").asString(),
					Map.of("decision", "accept", "state", Map.of("lat", 6)));
			JsonNode reply = bob.nextReply();
			assertThat(reply.get("requestId").asString()).isEqualTo("b1");
			assertThat(reply.get("status").asString()).isEqualTo("accepted");
			assertThat(alice.nextReply().get("status").asString()).isEqualTo("accepted");
			Marker stored = this.markers.findById(marker.getId()).orElseThrow();
			assertThat(stored.getLat()).isEqualTo(6);
			assertThat(stored.getOwner()).isEqualTo("alice");
		}
	}

	@Test
	void ownerRejectionReachesTheProposerAndChangesNothing() throws Exception {
		Marker marker = ownedBy("alice");
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			alice.subscribeRequests();
			bob.propose("marker",
					Map.of("requestId", "b2", "id", String.valueOf(marker.getId()), "state", Map.of("lat", 5)));
			JsonNode request = alice.nextRequest();
			alice.send("/app/entanglement/requests/" + request.get("requestId").asString(),
					Map.of("decision", "reject", "code", "forbidden", "message", "Not there"));
			JsonNode reply = bob.nextReply();
			assertThat(reply.get("status").asString()).isEqualTo("rejected");
			assertThat(reply.get("code").asString()).isEqualTo("forbidden");
			assertThat(reply.get("message").asString()).isEqualTo("Not there");
		}
		assertThat(this.markers.findById(marker.getId()).orElseThrow().getVersion()).isEqualTo(marker.getVersion());
	}

	@Test
	void proposalToAnOfflineOwnerIsOwnerUnreachable() throws Exception {
		Marker marker = ownedBy("carol");
		try (StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			bob.propose("marker",
					Map.of("requestId", "b3", "id", String.valueOf(marker.getId()), "state", Map.of("lat", 5)));
			assertThat(bob.nextReply().get("code").asString()).isEqualTo("owner-unreachable");
		}
	}

	@Test
	void anOwnerConnectedWithoutListeningForRequestsIsUnreachable() throws Exception {
		Marker marker = ownedBy("alice");
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			bob.propose("marker",
					Map.of("requestId", "b3-listen", "id", String.valueOf(marker.getId()), "state", Map.of("lat", 5)));
			// Told at once, not 'timeout' after the owner's time to answer.
			assertThat(bob.nextReply().get("code").asString()).isEqualTo("owner-unreachable");
			alice.assertNoRequestWithin(QUIET);
		}
	}

	@Test
	void silentOwnerTimesOutAndALateAnswerChangesNothing() throws Exception {
		Marker marker = ownedBy("alice");
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			alice.subscribeRequests();
			bob.propose("marker",
					Map.of("requestId", "b4", "id", String.valueOf(marker.getId()), "state", Map.of("lat", 5)));
			JsonNode request = alice.nextRequest();
			JsonNode reply = bob.nextReply();
			assertThat(reply.get("code").asString()).isEqualTo("timeout");
			alice.send("/app/entanglement/requests/" + request.get("requestId").asString(),
					Map.of("decision", "accept"));
			assertThat(alice.nextReply().get("status").asString()).isEqualTo("rejected");
			bob.assertNoReplyWithin(QUIET);
		}
		assertThat(this.markers.findById(marker.getId()).orElseThrow().getLat()).isEqualTo(1);
	}

	@Test
	void ownerOnTwoSessionsGetsTheRequestOnBothAndTheFirstAnswerWins() throws Exception {
		Marker marker = ownedBy("alice");
		try (StompTestClient phone = StompTestClient.connect(this.port, "alice");
				StompTestClient laptop = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob");
				StompTestClient otherBob = StompTestClient.connect(this.port, "bob")) {
			phone.subscribeRequests();
			laptop.subscribeRequests();
			bob.propose("marker",
					Map.of("requestId", "b5", "id", String.valueOf(marker.getId()), "state", Map.of("lat", 8)));
			String requestId = phone.nextRequest().get("requestId").asString();
			assertThat(laptop.nextRequest().get("requestId").asString()).isEqualTo(requestId);
			phone.send("/app/entanglement/requests/" + requestId, Map.of("decision", "accept"));
			assertThat(phone.nextReply().get("status").asString()).isEqualTo("accepted");
			laptop.send("/app/entanglement/requests/" + requestId, Map.of("decision", "reject"));
			JsonNode told = laptop.nextReply();
			assertThat(told.get("status").asString()).isEqualTo("rejected");
			assertThat(told.get("code").asString()).isEqualTo("conflict");
			assertThat(bob.nextReply().get("status").asString()).isEqualTo("accepted");
			// Replies reach only the proposing session, never the proposer's other
			// sessions.
			otherBob.assertNoReplyWithin(QUIET);
			bob.assertNoReplyWithin(QUIET);
		}
		assertThat(this.markers.findById(marker.getId()).orElseThrow().getLat()).isEqualTo(8);
	}

	@Test
	void onlyTheOwnerMayAnswerAndOwnersWriteTheirOwnObjectsDirectly() throws Exception {
		Marker marker = ownedBy("alice");
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			alice.subscribeRequests();
			bob.subscribeRequests();
			alice.propose("marker",
					Map.of("requestId", "a1", "id", String.valueOf(marker.getId()), "state", Map.of("lat", 4)));
			assertThat(alice.nextReply().get("status").asString()).isEqualTo("accepted");
			alice.assertNoRequestWithin(QUIET);
			bob.assertNoRequestWithin(Duration.ZERO);

			bob.propose("marker",
					Map.of("requestId", "b6", "id", String.valueOf(marker.getId()), "state", Map.of("lat", 9)));
			String requestId = alice.nextRequest().get("requestId").asString();
			bob.assertNoRequestWithin(QUIET);
			bob.send("/app/entanglement/requests/" + requestId, Map.of("decision", "accept"));
			assertThat(bob.nextReply().get("code").asString()).isEqualTo("forbidden");
			alice.send("/app/entanglement/requests/" + requestId, Map.of("decision", "reject"));
			assertThat(alice.nextReply().get("status").asString()).isEqualTo("accepted");
			assertThat(bob.nextReply().get("code").asString()).isEqualTo("forbidden");
		}
		assertThat(this.markers.findById(marker.getId()).orElseThrow().getLat()).isEqualTo(4);
	}

	@Test
	void ownershipChangesOnlyByItsOwnOperationAndOnlyByTheCurrentOwner() throws Exception {
		Marker marker = ownedBy("alice");
		String id = String.valueOf(marker.getId());
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			bob.send("/app/entanglement/marker/owner", Map.of("requestId", "o1", "id", id, "owner", "bob"));
			assertThat(bob.nextReply().get("code").asString()).isEqualTo("forbidden");
			alice.send("/app/entanglement/marker/owner", Map.of("requestId", "o2", "id", id, "owner", "bob"));
			JsonNode reply = alice.nextReply();
			assertThat(reply.get("status").asString()).isEqualTo("accepted");
			assertThat(this.markers.findById(marker.getId()).orElseThrow().getOwner()).isEqualTo("bob");
			bob.propose("marker", Map.of("requestId", "o3", "id", id, "state", Map.of("lat", 3)));
			assertThat(bob.nextReply().get("status").asString()).as("bob now owns it and writes directly")
				.isEqualTo("accepted");
		}
	}

	@Test
	void serverCodeProposesThroughTheSameJavaApi() throws Exception {
		ProposalReply reply = this.syncManager
			.propose(new SyncViewer("server", () -> "alice"),
					new Proposal("java-1", "marker", null, null, Map.of("name", "from-java", "lat", 3), false))
			.get();
		assertThat(reply.isAccepted()).isTrue();
		Marker created = this.markers.findById(Long.valueOf(reply.id())).orElseThrow();
		assertThat(created.getName()).isEqualTo("from-java");
		assertThat(created.getVersion()).isEqualTo(reply.version());
	}

	private Marker ownedBy(String owner) {
		Marker marker = new Marker("owned", 1, 1);
		marker.setOwner(owner);
		return this.markers.save(marker);
	}

}
