package io.entanglement.stomp;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.entanglement.testapp.Marker;
import io.entanglement.testapp.MarkerRepository;
import io.entanglement.testapp.StompTestClient;
import io.entanglement.testapp.TestApplication;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients may only use Entanglement's own destinations, written exactly as routing reads
 * them. Both sides: the refused frame gets a {@code forbidden} reply and nothing else;
 * the other users receive nothing. Shares the H2 integration test context.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = { "entanglement.node-id=test-node",
		"spring.datasource.url=jdbc:h2:mem:entanglement-it;DB_CLOSE_DELAY=-1" })
class H2StompDestinationGuardIntegrationTests {

	private static final Duration QUIET = Duration.ofMillis(500);

	@LocalServerPort
	int port;

	@Autowired
	MarkerRepository markers;

	@Test
	void subscriptionsOutsideTheAllowListAreRefusedAndReceiveNothing() throws Exception {
		this.markers.save(new Marker("visible", 1, 1));
		List<String> refused = List.of("/topic/marker", "/queue/marker", "/entanglement/*", "/entanglement/**",
				"/entanglement//marker", "/entanglement/marker/", "/entanglement/%2Fmarker", "/entanglement",
				"/user/queue/other", "/user/bob/queue/entanglement/replies", "/queue/entanglement/replies",
				"/app/entanglement/marker/propose", "/entanglement/marker/../marker");
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			for (String destination : refused) {
				alice.subscribeRaw(destination, Map.of());
				JsonNode reply = alice.nextReply();
				assertThat(reply.get("code").asString()).as(destination).isEqualTo("forbidden");
				assertThat(reply.get("destination").asString()).as(destination).isEqualTo(destination);
			}
			alice.subscribeRaw("/entanglement/marker", Map.of("selector", "headers.foo == 'bar'"));
			assertThat(alice.nextReply().get("code").asString()).isEqualTo("forbidden");
			alice.assertNoBatchWithin(QUIET);
			// The session is still usable.
			alice.subscribe("marker");
			assertThat(alice.untilSynced()).isNotEmpty();
		}
	}

	@Test
	void sendsOutsideTheAllowListAreRefusedAndReachNobody() throws Exception {
		Marker marker = this.markers.save(new Marker("m", 1, 1));
		marker.setOwner("bob");
		marker = this.markers.save(marker);
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			bob.subscribeRequests();
			List<String> refused = List.of("/user/bob/queue/entanglement/requests",
					"/user/bob/queue/entanglement/replies", "/queue/entanglement/requests-user" + "x", "/topic/x",
					"/app/other", "/app/entanglement//marker/propose", "/app/entanglement/marker/propose/",
					"/app/entanglement/marker/transition/x");
			for (String destination : refused) {
				alice.send(destination,
						Map.of("requestId", "x", "id", String.valueOf(marker.getId()), "state", Map.of("lat", 9)));
				JsonNode reply = alice.nextReply();
				assertThat(reply.get("code").asString()).as(destination).isEqualTo("forbidden");
			}
			bob.assertNoRequestWithin(QUIET);
			bob.assertNoReplyWithin(Duration.ZERO);
		}
		assertThat(this.markers.findById(marker.getId()).orElseThrow().getLat()).isEqualTo(1);
	}

}
