package com.example.meetup;

import java.lang.reflect.Type;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.example.meetup.location.DemoLocations;
import com.example.meetup.location.Location;
import com.example.meetup.location.LocationRepository;
import com.example.meetup.security.DemoUsers;
import com.example.meetup.simulator.SimulatorProperties;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Runs the meetup app on a random port and watches it with a real STOMP client, the way a
 * phone or another service would.
 *
 * @author Entanglement
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class MeetupApplicationIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final int MAX_MESSAGE_SIZE = 1024 * 1024;

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@Autowired
	private LocationRepository locations;

	@Autowired
	private DemoLocations demoLocations;

	@Autowired
	private SimulatorProperties simulator;

	private WebSocketStompClient stompClient;

	private final BlockingQueue<Batch> batches = new LinkedBlockingQueue<>();

	@BeforeEach
	void createStompClient() {
		// Batches can be larger than the default 8 KB buffer of the WebSocket client.
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		container.setDefaultMaxTextMessageBufferSize(MAX_MESSAGE_SIZE);
		this.stompClient = new WebSocketStompClient(new StandardWebSocketClient(container));
		this.stompClient.setInboundMessageSizeLimit(MAX_MESSAGE_SIZE);
	}

	@AfterEach
	void stopStompClient() {
		this.stompClient.stop();
	}

	@Test
	void signedInSubscriberReceivesEveryonesLocationThenLiveMoves() throws Exception {
		StompSession session = connect(basicAuth("alice", DemoUsers.PASSWORD)).get(TIMEOUT.toSeconds(),
				TimeUnit.SECONDS);
		try {
			session.subscribe("/entanglement/location", new BatchHandler(this.batches));
			Map<String, String> owners = new HashMap<>();
			Map<String, Long> versions = new HashMap<>();
			Batch batch;
			do {
				batch = nextBatch();
				assertThat(batch.token()).as("resume token").isNotBlank();
				assertThat(batch.body().get("type").asString()).isEqualTo("location");
				for (JsonNode change : batch.body().get("changes")) {
					assertThat(change.get("op").asString()).isEqualTo("upsert");
					owners.put(change.get("id").asString(), change.get("owner").asString());
					versions.put(change.get("id").asString(), change.get("version").asLong());
					assertThat(change.get("state").propertyNames()).contains("lat", "lng", "heading", "updatedAt")
						.doesNotContain("id", "person", "version");
				}
			}
			while (!batch.body().get("synced").asBoolean());
			assertThat(owners.values()).containsExactlyInAnyOrderElementsOf(DemoUsers.NAMES);

			JsonNode move = nextChange((change) -> "upsert".equals(change.get("op").asString()) && change.get("version")
				.asLong() > versions.getOrDefault(change.get("id").asString(), Long.MAX_VALUE));
			assertThat(this.simulator.getPeople()).contains(move.get("owner").asString());
			assertThat(move.get("owner").asString()).isEqualTo(owners.get(move.get("id").asString()));
		}
		finally {
			session.disconnect();
		}
	}

	@Test
	void handshakeWithoutCredentialsIsRefused() {
		assertThat(handshakeStatus(null)).isEqualTo(401);
	}

	@Test
	void handshakeWithWrongPasswordIsRefused() {
		assertThat(handshakeStatus(basicAuthorization("alice", "wrong"))).isEqualTo(401);
	}

	@Test
	void pageIsServedToSignedInUsersOnly() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(uri("/"))
			.header("Authorization", basicAuthorization("alice", DemoUsers.PASSWORD))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(signedIn.statusCode()).isEqualTo(200);
		assertThat(signedIn.body()).contains("Who is where", "/entanglement/location");

		HttpResponse<String> anonymous = http.send(
				HttpRequest.newBuilder(uri("/")).header("Accept", "text/html").build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(anonymous.statusCode()).isEqualTo(302);
		assertThat(anonymous.headers().firstValue("Location"))
			.hasValueSatisfying((to) -> assertThat(to).endsWith("/login"));
	}

	@Test
	void seedingAgainPlacesNobodyTwice() {
		this.demoLocations.seed();
		assertThat(this.locations.findAll()).extracting(Location::getPerson)
			.containsExactlyInAnyOrderElementsOf(DemoUsers.NAMES);
	}

	private CompletableFuture<StompSession> connect(WebSocketHttpHeaders headers) {
		return this.stompClient.connectAsync("ws://localhost:{port}/entanglement", headers,
				new StompSessionHandlerAdapter() {
				}, this.port);
	}

	private static WebSocketHttpHeaders basicAuth(String user, String password) {
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.setBasicAuth(user, password);
		return headers;
	}

	private static String basicAuthorization(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Open a WebSocket with the JDK's client, which reports the status of a refused
	 * handshake (Tomcat's client answers a 401 by trying to authenticate).
	 */
	private int handshakeStatus(@Nullable String authorization) {
		WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
		if (authorization != null) {
			builder.header("Authorization", authorization);
		}
		CompletableFuture<WebSocket> handshake = builder
			.buildAsync(URI.create("ws://localhost:" + this.port + "/entanglement"), new WebSocket.Listener() {
			});
		Throwable failure = catchThrowable(() -> handshake.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
		assertThat(failure).as("refused handshake").hasCauseInstanceOf(WebSocketHandshakeException.class);
		return ((WebSocketHandshakeException) failure.getCause()).getResponse().statusCode();
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	private Batch nextBatch() throws InterruptedException {
		Batch batch = this.batches.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(batch).as("a batch within " + TIMEOUT).isNotNull();
		return batch;
	}

	private JsonNode nextChange(Predicate<JsonNode> wanted) throws InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			Batch batch = this.batches.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
			if (batch != null) {
				for (JsonNode change : batch.body().get("changes")) {
					if (wanted.test(change)) {
						return change;
					}
				}
			}
		}
		throw new AssertionError("No matching change within " + TIMEOUT);
	}

	private record Batch(@Nullable String token, JsonNode body) {
	}

	/**
	 * Receives batches as raw bytes and reads them as JSON.
	 */
	private record BatchHandler(BlockingQueue<Batch> batches) implements StompFrameHandler {

		@Override
		public Type getPayloadType(StompHeaders headers) {
			return byte[].class;
		}

		@Override
		public void handleFrame(StompHeaders headers, @Nullable Object payload) {
			this.batches.add(new Batch(headers.getFirst("entanglement-token"), json.readTree((byte[]) payload)));
		}

	}

}
