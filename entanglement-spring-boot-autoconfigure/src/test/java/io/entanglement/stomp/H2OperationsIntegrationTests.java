package io.entanglement.stomp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import io.entanglement.testapp.Marker;
import io.entanglement.testapp.MarkerRepository;
import io.entanglement.testapp.StompTestClient;
import io.entanglement.testapp.TestApplication;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Operations: meters, health and the Actuator endpoint report what the engine does, and
 * shutting down tells clients to reconnect.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@org.springframework.test.context.ActiveProfiles("operations")
class H2OperationsIntegrationTests {

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	MarkerRepository markers;

	@Autowired
	io.entanglement.stomp.StompSessionRegistry sessions;

	@Test
	void metersHealthAndTheEndpointDescribeTheEngine() throws Exception {
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker");
			alice.untilSynced();
			this.markers.save(new Marker("ops", 1, 1));
			alice.next();
			alice.propose("marker", Map.of("requestId", java.util.UUID.randomUUID().toString(), "state",
					Map.of("name", "p", "lat", 0, "lng", 0)));
			assertThat(alice.nextReply().get("status").asString()).isEqualTo("accepted");

			JsonNode report = get("/actuator/entanglement");
			assertThat(report.get("types").toString()).contains("marker");
			assertThat(report.get("sessions")).anySatisfy((session) -> {
				assertThat(session.get("user").asString()).isEqualTo("alice");
				assertThat(session.get("subscriptions").get(0).get("type").asString()).isEqualTo("marker");
			});
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(meter("entanglement.changes.delivered")).isGreaterThanOrEqualTo(2));
			assertThat(meter("entanglement.sessions")).isGreaterThanOrEqualTo(1);
			assertThat(get("/actuator/metrics/entanglement.proposals?tag=outcome:accepted").get("measurements")
				.get(0)
				.get("value")
				.asDouble()).isGreaterThanOrEqualTo(1);
			JsonNode health = get("/actuator/health");
			assertThat(health.get("components").get("entanglement").get("status").asString()).isEqualTo("UP");
		}
	}

	@Test
	void compressionCanBeSwitchedOnAndPatchesOff() throws Exception {
		assertThat(H2WireEncodingIntegrationTests.negotiatedExtensions(this.port,
				"permessage-deflate; client_max_window_bits"))
			.contains("permessage-deflate");
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribeRaw("/entanglement/marker", Map.of(StompSubscriptionHandler.DELTA_HEADER, "true"));
			alice.untilSynced();
			Marker marker = this.markers.save(new Marker("unpatched", 1, 1));
			alice.next();
			marker.setLat(2);
			this.markers.save(marker);
			JsonNode change = alice.next().changes().get(0);
			assertThat(change.get("op").asString()).isEqualTo("upsert");
			assertThat(change.get("state").get("name").asString()).isEqualTo("unpatched");
		}
	}

	@Test
	void binaryMessagesCanBeSwitchedOffForEveryClient() throws Exception {
		try (RawStompSocket alice = RawStompSocket.subscribe(this.port, "alice",
				StompSubscriptionHandler.BINARY_FRAMES_HEADER + ":true\n", "marker")) {
			this.markers.save(new Marker("Genève ☃", 1, 1));
			RawStompSocket.Received batch = alice.nextMessageContaining("Genève");
			assertThat(batch.binary()).isFalse();
			assertThat(batch.body()).contains("\"name\":\"Genève ☃\"");
		}
	}

	@Test
	void shuttingDownClosesSessionsSoClientsReconnectElsewhere() throws Exception {
		StompTestClient alice = StompTestClient.connect(this.port, "alice");
		alice.subscribe("marker");
		alice.untilSynced();
		assertThat(this.sessions.closeAll()).isGreaterThanOrEqualTo(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> !alice.isConnected());
	}

	private double meter(String name) throws Exception {
		return get("/actuator/metrics/" + name).get("measurements").get(0).get("value").asDouble();
	}

	private JsonNode get(String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header("Authorization", StompTestClient.basicAuthorization("alice"))
			.build();
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
		return this.json.readTree(response.body());
	}

}
