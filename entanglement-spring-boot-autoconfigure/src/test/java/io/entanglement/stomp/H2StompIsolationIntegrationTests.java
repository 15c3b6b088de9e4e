package io.entanglement.stomp;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
 * Replies, owner requests and transition notices reach the one session they are for:
 * never another user, never another session of the same user.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class H2StompIsolationIntegrationTests {

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
	void repliesRequestsAndNoticesReachOnlyTheirSession() throws Exception {
		Marker owned = new Marker("meeting point", 1, 1);
		owned.setOwner("alice");
		String id = String.valueOf(this.markers.save(owned).getId());
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient aliceAgain = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob");
				StompTestClient bobAgain = StompTestClient.connect(this.port, "bob");
				StompTestClient erin = StompTestClient.connect(this.port, "erin")) {
			for (StompTestClient client : List.of(aliceAgain, bobAgain, erin)) {
				client.subscribeRequests();
			}
			alice.subscribeRequests();

			// A reply goes to the proposing session only.
			bob.propose("marker", Map.of("requestId", "own-1", "state", Map.of("name", "b", "lat", 0, "lng", 0)));
			assertThat(bob.nextReply().get("requestId").asString()).isEqualTo("own-1");

			// An owner request goes to the owner's sessions only.
			bob.propose("marker", Map.of("requestId", "fwd-1", "id", id, "state", Map.of("lat", 5)));
			JsonNode request = alice.nextRequest();
			assertThat(aliceAgain.nextRequest().get("requestId").asString())
				.isEqualTo(request.get("requestId").asString());
			alice.send("/app/entanglement/requests/" + request.get("requestId").asString(),
					Map.of("decision", "accept"));
			assertThat(alice.nextReply().get("status").asString()).isEqualTo("accepted");
			assertThat(bob.nextReply().get("requestId").asString()).isEqualTo("fwd-1");

			// A transition notice goes to its initiator only.
			bob.send("/app/entanglement/marker/transition",
					Map.of("id", id, "transition", "t1", "state", Map.of("lat", 6)));
			// Frames of one session are handled in order: once this is answered, bob's
			// transition has started.
			bob.send("/app/entanglement/requests/ping", "{}");
			assertThat(bob.nextReply().get("status").asString()).isEqualTo("rejected");
			erin.send("/app/entanglement/marker/transition",
					Map.of("id", id, "transition", "t2", "state", Map.of("lat", 7)));
			assertThat(bob.nextReply().get("code").asString()).isEqualTo("transition-broken");

			for (StompTestClient other : List.of(aliceAgain, bobAgain, erin)) {
				other.assertNoReplyWithin(QUIET);
			}
			for (StompTestClient client : List.of(bob, bobAgain, erin)) {
				client.assertNoRequestWithin(Duration.ZERO);
			}
			alice.assertNoReplyWithin(Duration.ZERO);
		}
	}

}
