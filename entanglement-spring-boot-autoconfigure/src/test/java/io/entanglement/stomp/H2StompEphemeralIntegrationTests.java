package io.entanglement.stomp;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.entanglement.memory.EphemeralStore;
import io.entanglement.testapp.StompTestClient;
import io.entanglement.testapp.TestApplication;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ephemeral types end to end: presence that ends with its owner's last session, calls
 * answered through the reply, and a type whose every version reaches subscribers.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class H2StompEphemeralIntegrationTests {

	private static final Duration QUIET = Duration.ofMillis(500);

	@LocalServerPort
	int port;

	@Autowired
	@Qualifier("chat")
	EphemeralStore chat;

	@Test
	void presenceEndsWhenItsOwnersLastSessionCloses() throws Exception {
		try (StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			bob.subscribe("presence");
			bob.untilSynced();
			StompTestClient alice = StompTestClient.connect(this.port, "alice");
			StompTestClient aliceAgain = StompTestClient.connect(this.port, "alice");
			// Frames of one session are handled in order: once this is answered, the
			// server has counted the second session.
			aliceAgain.send("/app/entanglement/requests/ping", "{}");
			assertThat(aliceAgain.nextReply().get("status").asString()).isEqualTo("rejected");
			alice.propose("presence",
					Map.of("requestId", "p1", "state", Map.of("group", "hikers", "status", "online")));
			JsonNode created = alice.nextReply();
			assertThat(created.get("status").asString()).isEqualTo("accepted");
			JsonNode seen = bob.next().changes().get(0);
			assertThat(seen.get("owner").asString()).isEqualTo("alice");
			assertThat(seen.get("state").get("status").asString()).isEqualTo("online");

			alice.close();
			bob.assertNoBatchWithin(QUIET);
			aliceAgain.close();
			JsonNode gone = bob.next().changes().get(0);
			assertThat(gone.get("op").asString()).isEqualTo("delete");
			assertThat(gone.get("id").asString()).isEqualTo(created.get("id").asString());
		}
	}

	@Test
	void callsAreAnsweredOnlyToTheCaller() throws Exception {
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			bob.subscribe("echo");
			bob.untilSynced();
			alice.propose("echo", Map.of("requestId", "e1", "state", Map.of("text", "hello")));
			JsonNode reply = alice.nextReply();
			assertThat(reply.get("status").asString()).isEqualTo("accepted");
			assertThat(reply.get("result").get("text").asString()).isEqualTo("alice said hello");
			alice.propose("echo", Map.of("requestId", "e2", "state", Map.of("text", "forbidden")));
			JsonNode refused = alice.nextReply();
			assertThat(refused.get("code").asString()).isEqualTo("forbidden");
			assertThat(refused.get("message").asString()).isEqualTo("Not that");
			bob.assertNoBatchWithin(QUIET);
			bob.assertNoReplyWithin(QUIET);
		}
	}

	@Test
	void everyVersionOfAChatMessageArrivesInOrder() throws Exception {
		try (StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			bob.subscribe("chat");
			bob.untilSynced();
			for (int i = 0; i < 30; i++) {
				this.chat.put("m1", "alice", Map.of("text", "draft " + i));
			}
			List<Long> versions = new java.util.ArrayList<>();
			while (versions.size() < 30) {
				bob.next().changes().forEach((change) -> versions.add(change.get("version").asLong()));
			}
			assertThat(versions).containsExactlyElementsOf(java.util.stream.LongStream.range(0, 30).boxed().toList());
		}
	}

}
