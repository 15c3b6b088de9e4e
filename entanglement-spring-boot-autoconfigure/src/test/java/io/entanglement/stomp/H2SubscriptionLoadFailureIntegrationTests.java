package io.entanglement.stomp;

import java.time.Duration;

import io.entanglement.engine.SyncManager;
import io.entanglement.testapp.Marker;
import io.entanglement.testapp.MarkerRepository;
import io.entanglement.testapp.StompTestClient;
import io.entanglement.testapp.TestApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.simp.stomp.StompSession.Subscription;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subscription whose objects cannot be loaded (here the test application's policy
 * throws for {@code mallory}, as a policy with a bug would) ends after a few attempts
 * with an {@code unavailable} reply on the replies queue, and nothing is sent on it;
 * other sessions are not affected. Shares the H2 integration test context.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = { "entanglement.node-id=test-node",
		"spring.datasource.url=jdbc:h2:mem:entanglement-it;DB_CLOSE_DELAY=-1" })
class H2SubscriptionLoadFailureIntegrationTests {

	private static final Duration QUIET = Duration.ofMillis(500);

	@LocalServerPort
	int port;

	@Autowired
	MarkerRepository markers;

	@Autowired
	SyncManager manager;

	@AfterEach
	void restoreRetryDelay() {
		this.manager.setLoadRetryDelay(Duration.ofSeconds(1));
	}

	@Test
	void aSubscriptionThatCannotBeLoadedEndsWithUnavailableAndTheOthersCarryOn() throws Exception {
		this.manager.setLoadRetryDelay(Duration.ofMillis(10));
		this.markers.save(new Marker("load-failure", 1, 1));
		try (StompTestClient mallory = StompTestClient.connect(this.port, "mallory");
				StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			Subscription subscription = mallory.subscribe("marker");
			JsonNode reply = mallory.nextReply();
			assertThat(reply.get("destination").asString()).isEqualTo("/entanglement/marker");
			assertThat(reply.get("subscription").asString()).isEqualTo(subscription.getSubscriptionId());
			assertThat(reply.get("status").asString()).isEqualTo("rejected");
			assertThat(reply.get("code").asString()).isEqualTo("unavailable");
			// The cause stays in the server's log.
			assertThat(reply.get("message").asString()).doesNotContain("mallory");

			alice.subscribe("marker");
			assertThat(alice.untilSynced()).isNotEmpty();
			Marker moved = this.markers.findAll()
				.stream()
				.filter((marker) -> "load-failure".equals(marker.getName()))
				.findFirst()
				.orElseThrow();
			moved.setLat(2);
			this.markers.save(moved);
			assertThat(alice.until((batch) -> batch.changes()
				.stream()
				.anyMatch((change) -> change.get("id").asString().equals(String.valueOf(moved.getId()))))).isNotEmpty();
			mallory.assertNoBatchWithin(QUIET);
			mallory.assertNoReplyWithin(QUIET);
			assertThat(mallory.isConnected()).isTrue();
		}
	}

}
