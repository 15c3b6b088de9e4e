package io.entanglement.docs.gettingstarted;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.entanglement.docs.ReceivedFrames;
import io.entanglement.engine.SyncManager;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.util.MimeTypeUtils;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Runs the getting-started guide: the documented entity, repository, security and
 * {@code application.yml} on H2, with a real STOMP client. The batches shown in the guide
 * are the ones asserted here.
 *
 * @author Entanglement
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class GettingStartedIntegrationTests {

	/** The id the guide shows for the moved location. */
	private static final String SHOWN_ID = "0b7d6a52-8c1e-4c5e-9a3f-2f1d8e4b7c61";

	/** The id the guide shows for the deleted location. */
	private static final String SHOWN_DELETED_ID = "5e3c9f10-42aa-4f6b-8d2e-7a9b1c0d3e48";

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper json = JsonMapper.shared();

	@LocalServerPort
	private int port;

	@Autowired
	private LocationRepository locations;

	@Autowired
	private SyncManager syncManager;

	private final WebSocketStompClient client = new WebSocketStompClient(new StandardWebSocketClient());

	private final List<StompSession> sessions = new ArrayList<>();

	@AfterEach
	void disconnect() {
		this.sessions.stream().filter(StompSession::isConnected).forEach(StompSession::disconnect);
	}

	@Test
	void entangledRepositoryIsRegisteredAndACommittedSaveIsPublished() {
		assertThat(this.syncManager.types()).contains("location");
		long commits = this.syncManager.metrics().commits();
		this.locations.save(new Location("alice", 51.5007, -0.1246, "token"));
		await().atMost(TIMEOUT).until(() -> this.syncManager.metrics().commits() > commits);
	}

	@Test
	void subscriberReceivesSnapshotWithoutIgnoredFieldsThenLiveChanges() throws Exception {
		Location location = saveAndAwait(new Location("alice", 48.8566, 2.3522, "device-secret"));
		ReceivedFrames frames = subscribe(connect("alice"), null);
		JsonNode snapshotted = changeOf(frames.untilSynced(), location.getId());
		assertThat(snapshotted.get("owner").asString()).isEqualTo("alice");
		assertThat(snapshotted.get("version").asLong()).isZero();
		assertThat(snapshotted.get("state").propertyNames()).containsExactlyInAnyOrder("lat", "lng");
		location.moveTo(48.8584, 2.2945);
		this.locations.save(location);
		ReceivedFrames.Frame live = frames.next();
		// The headers the guide shows.
		assertThat(live.headers().getDestination()).isEqualTo("/entanglement/location");
		assertThat(live.headers().getSubscription()).isEqualTo("0");
		assertThat(live.headers().getMessageId()).matches("[0-9a-f-]{36}-[0-9]+");
		assertThat(live.headers().getContentType()).isEqualTo(MimeTypeUtils.APPLICATION_JSON);
		assertThat(live.headers().getContentLength()).isEqualTo(184);
		assertThat(live.token()).matches("[0-9a-f]{16}\\.[0-9]+~[0-9a-f]{12}");
		assertThat(live.json(Map.of(location.getId().toString(), SHOWN_ID))).isEqualTo(expected("live-batch.json"));
	}

	@Test
	void resumingClientReceivesWhatChangedWhileAwayOnceAtCurrentState() throws Exception {
		Location moved = saveAndAwait(new Location("alice", 48.8566, 2.3522, "device-1"));
		Location deleted = saveAndAwait(new Location("alice", 45.7640, 4.8357, "device-2"));
		StompSession first = connect("alice");
		List<ReceivedFrames.Frame> snapshot = subscribe(first, null).untilSynced();
		String token = snapshot.get(snapshot.size() - 1).token();
		first.disconnect();
		moved = move(moved, 48.8584, 2.2945);
		moved = move(moved, 48.8530, 2.3499);
		moved = move(moved, 48.8606, 2.3376);
		published(() -> {
			this.locations.delete(deleted);
			return deleted;
		});
		List<ReceivedFrames.Frame> catchUp = subscribe(connect("alice"), token).untilSynced();
		assertThat(catchUp).hasSize(1);
		Map<String, String> shownIds = Map.of(moved.getId().toString(), SHOWN_ID, deleted.getId().toString(),
				SHOWN_DELETED_ID);
		assertThat(catchUp.get(0).json(shownIds)).isEqualTo(expected("catch-up-batch.json"));
	}

	@Test
	void subscriptionToAnUnknownTypeIsRefusedOnTheRepliesQueue() throws Exception {
		StompSession session = connect("bob");
		ReceivedFrames replies = new ReceivedFrames();
		session.subscribe("/user/queue/entanglement/replies", replies);
		ReceivedFrames planets = new ReceivedFrames();
		session.subscribe("/entanglement/planet", planets);
		assertThat(replies.next().json()).isEqualTo(expected("refused-subscription.json"));
		assertThat(planets.poll(Duration.ofMillis(500))).isNull();
	}

	@Test
	void handshakeWithoutCredentialsIsRefused() {
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> this.client
			.connectAsync(url(), new WebSocketHttpHeaders(), new StompHeaders(), new StompSessionHandlerAdapter() {
			})
			.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
	}

	private StompSession connect(String user) throws Exception {
		// tag::connect[]
		WebSocketHttpHeaders handshake = new WebSocketHttpHeaders();
		handshake.setBasicAuth(user, "password");
		StompSession session = this.client
			.connectAsync(url(), handshake, new StompHeaders(), new StompSessionHandlerAdapter() {
			})
			.get(10, TimeUnit.SECONDS);
		// end::connect[]
		this.sessions.add(session);
		return session;
	}

	private ReceivedFrames subscribe(StompSession session, @Nullable String token) {
		ReceivedFrames frames = new ReceivedFrames();
		// tag::subscribe[]
		StompHeaders headers = new StompHeaders();
		headers.setDestination("/entanglement/location");
		if (token != null) {
			headers.set("entanglement-since", token);
		}
		session.subscribe(headers, frames);
		// end::subscribe[]
		return frames;
	}

	private String url() {
		return "ws://localhost:" + this.port + "/entanglement";
	}

	private Location saveAndAwait(Location location) {
		return published(() -> this.locations.save(location));
	}

	/**
	 * Run a write and wait until its commit has been fanned out, so that the next
	 * snapshot or resume token includes it.
	 */
	private <T> T published(Supplier<T> write) {
		long commits = this.syncManager.metrics().commits();
		T result = write.get();
		await().atMost(TIMEOUT).until(() -> this.syncManager.metrics().commits() > commits);
		return result;
	}

	private Location move(Location location, double lat, double lng) {
		location.moveTo(lat, lng);
		return saveAndAwait(location);
	}

	private static JsonNode changeOf(List<ReceivedFrames.Frame> frames, UUID id) {
		return frames.stream()
			.flatMap((frame) -> frame.json().get("changes").valueStream())
			.filter((change) -> change.get("id").asString().equals(id.toString()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No change of " + id + " in " + frames));
	}

	private static JsonNode expected(String name) throws IOException {
		try (InputStream in = GettingStartedIntegrationTests.class.getResourceAsStream(name)) {
			assertThat(in).as(name).isNotNull();
			return json.readTree(in);
		}
	}

}
