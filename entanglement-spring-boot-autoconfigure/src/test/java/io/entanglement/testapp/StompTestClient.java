package io.entanglement.testapp;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import jakarta.websocket.ContainerProvider;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import jakarta.websocket.WebSocketContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.messaging.simp.stomp.StompSession.Subscription;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A real STOMP over WebSocket client for integration tests: connects with HTTP Basic,
 * records every batch and reply it receives, and keeps a local view of each type the way
 * a client would (newer versions only).
 */
public final class StompTestClient implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(StompTestClient.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final WebSocketStompClient stompClient = createClient();

	private final StompSession session;

	private final BlockingQueue<Batch> batches = new LinkedBlockingQueue<>();

	private final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();

	private final BlockingQueue<JsonNode> requests = new LinkedBlockingQueue<>();

	private StompTestClient(StompSession session) {
		this.session = session;
	}

	private static WebSocketStompClient createClient() {
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		container.setDefaultMaxTextMessageBufferSize(4 * 1024 * 1024);
		WebSocketStompClient client = new WebSocketStompClient(new StandardWebSocketClient(container));
		client.setMessageConverter(new ByteArrayMessageConverter() {

			@Override
			protected boolean supportsMimeType(MessageHeaders headers) {
				return true;
			}

		});
		client.setInboundMessageSizeLimit(4 * 1024 * 1024);
		return client;
	}

	public static StompTestClient connect(int port, String user) throws Exception {
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.add(HttpHeaders.AUTHORIZATION, basicAuthorization(user));
		return connect(port, headers, new StompHeaders());
	}

	/**
	 * The {@code Authorization} header of a test user, whose password is
	 * {@code password}.
	 */
	public static String basicAuthorization(String user) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":password").getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Connect the way a browser page does: the handshake carries the session cookie of a
	 * form login, and CONNECT carries whatever headers are given (the CSRF token, or
	 * not).
	 */
	public static StompTestClient connectWithCookie(int port, String cookie, Map<String, String> connectHeaders,
			Duration timeout) throws Exception {
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.add(HttpHeaders.COOKIE, cookie);
		StompHeaders connect = new StompHeaders();
		connectHeaders.forEach(connect::add);
		return connect(port, headers, connect, timeout);
	}

	private static StompTestClient connect(int port, WebSocketHttpHeaders headers, StompHeaders connectHeaders)
			throws Exception {
		return connect(port, headers, connectHeaders, Duration.ofSeconds(10));
	}

	private static StompTestClient connect(int port, WebSocketHttpHeaders headers, StompHeaders connectHeaders,
			Duration timeout) throws Exception {
		StompSession session = stompClient.connectAsync("ws://localhost:" + port + "/entanglement", headers,
				connectHeaders, new StompSessionHandlerAdapter() {

					@Override
					public void handleException(StompSession session, StompCommand command, StompHeaders headers,
							byte[] payload, Throwable exception) {
						logger.error("Failed to handle " + command + " " + headers, exception);
					}

					@Override
					public void handleTransportError(StompSession session, Throwable exception) {
						logger.error("Transport error", exception);
					}

				})
			.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		StompTestClient client = new StompTestClient(session);
		session.subscribe("/user/queue/entanglement/replies",
				client.handler((headers1, body) -> client.replies.add(body)));
		return client;
	}

	/**
	 * Receive proposals forwarded to this user as an owner; returns once the subscription
	 * is registered on the server (frames of one session are handled in order, so the
	 * reply to a later frame proves the SUBSCRIBE was handled).
	 */
	public void subscribeRequests() throws InterruptedException {
		this.session.subscribe("/user/queue/entanglement/requests",
				handler((frameHeaders, body) -> this.requests.add(body)));
		send("/app/entanglement/requests/ping", "{}");
		assertThat(nextReply().get("status").asString()).isEqualTo("rejected");
	}

	public boolean isConnected() {
		return this.session.isConnected();
	}

	public void send(String destination, Object body) {
		StompHeaders headers = new StompHeaders();
		headers.setDestination(destination);
		headers.setContentType(org.springframework.util.MimeTypeUtils.APPLICATION_JSON);
		this.session.send(headers, (body instanceof String text) ? text.getBytes() : json.writeValueAsBytes(body));
	}

	public void propose(String type, Object body) {
		send("/app/entanglement/" + type + "/propose", body);
	}

	public JsonNode nextRequest() throws InterruptedException {
		JsonNode request = this.requests.poll(10, TimeUnit.SECONDS);
		if (request == null) {
			fail("No owner request arrived within 10 seconds");
		}
		return request;
	}

	public void assertNoReplyWithin(Duration duration) throws InterruptedException {
		assertThat(this.replies.poll(duration.toMillis(), TimeUnit.MILLISECONDS)).isNull();
	}

	public void assertNoRequestWithin(Duration duration) throws InterruptedException {
		assertThat(this.requests.poll(duration.toMillis(), TimeUnit.MILLISECONDS)).isNull();
	}

	public Subscription subscribe(String type) {
		return subscribe(type, null);
	}

	/**
	 * Subscribe to a raw destination with extra headers, recording batches like a type
	 * subscription would.
	 */
	public Subscription subscribeRaw(String destination, Map<String, String> extraHeaders) {
		StompHeaders headers = new StompHeaders();
		headers.setDestination(destination);
		extraHeaders.forEach(headers::set);
		return this.session.subscribe(headers,
				handler((frameHeaders, body) -> this.batches.add(new Batch(frameHeaders, body))));
	}

	public Subscription subscribe(String type, String since) {
		StompHeaders headers = new StompHeaders();
		headers.setDestination("/entanglement/" + type);
		if (since != null) {
			headers.set("entanglement-since", since);
		}
		return this.session.subscribe(headers,
				handler((frameHeaders, body) -> this.batches.add(new Batch(frameHeaders, body))));
	}

	private StompFrameHandler handler(java.util.function.BiConsumer<StompHeaders, JsonNode> consumer) {
		return new StompFrameHandler() {

			@Override
			public Type getPayloadType(StompHeaders headers) {
				return byte[].class;
			}

			@Override
			public void handleFrame(StompHeaders headers, Object payload) {
				consumer.accept(headers, json.readTree((byte[]) payload));
			}

		};
	}

	/**
	 * The next batch, failing after ten seconds.
	 */
	public Batch next() throws InterruptedException {
		Batch batch = this.batches.poll(10, TimeUnit.SECONDS);
		if (batch == null) {
			fail("No batch arrived within 10 seconds");
		}
		return batch;
	}

	/**
	 * Batches up to and including the first that matches.
	 */
	public List<Batch> until(Predicate<Batch> condition) throws InterruptedException {
		List<Batch> received = new ArrayList<>();
		while (true) {
			Batch batch = next();
			received.add(batch);
			if (condition.test(batch)) {
				return received;
			}
		}
	}

	public List<Batch> untilSynced() throws InterruptedException {
		return until(Batch::synced);
	}

	/**
	 * Every batch that arrives until none has for the given quiet period.
	 */
	public List<Batch> drain(Duration quiet) throws InterruptedException {
		List<Batch> received = new ArrayList<>();
		Batch batch;
		while ((batch = this.batches.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
			received.add(batch);
		}
		return received;
	}

	/**
	 * Every batch that arrives within the given time, however busy the stream is.
	 */
	public List<Batch> drainFor(Duration duration) throws InterruptedException {
		List<Batch> received = new ArrayList<>();
		long deadline = System.nanoTime() + duration.toNanos();
		long remaining;
		while ((remaining = deadline - System.nanoTime()) > 0) {
			Batch batch = this.batches.poll(remaining, TimeUnit.NANOSECONDS);
			if (batch != null) {
				received.add(batch);
			}
		}
		return received;
	}

	public void assertNoBatchWithin(Duration duration) throws InterruptedException {
		assertThat(this.batches.poll(duration.toMillis(), TimeUnit.MILLISECONDS)).isNull();
	}

	public JsonNode nextReply() throws InterruptedException {
		JsonNode reply = this.replies.poll(10, TimeUnit.SECONDS);
		if (reply == null) {
			fail("No reply arrived within 10 seconds");
		}
		return reply;
	}

	@Override
	public void close() {
		if (this.session.isConnected()) {
			this.session.disconnect();
		}
	}

	/**
	 * One MESSAGE frame of a subscription.
	 */
	public record Batch(StompHeaders headers, JsonNode body) {

		public String token() {
			return this.headers.getFirst("entanglement-token");
		}

		public boolean synced() {
			return this.body.get("synced").asBoolean();
		}

		public boolean reset() {
			return this.body.get("reset").asBoolean();
		}

		public List<JsonNode> changes() {
			List<JsonNode> changes = new ArrayList<>();
			this.body.get("changes").forEach(changes::add);
			return changes;
		}

	}

	/**
	 * What a client holds of one type after applying batches: id to the last change
	 * applied. A change older than what is held is ignored; one of the same version only
	 * if it gives the same verdict (an object that is held and upserted again, one that
	 * is gone and forgotten again).
	 */
	public static final class View {

		private final Map<String, JsonNode> objects = new HashMap<>();

		private final Map<String, Long> versions = new HashMap<>();

		private final List<String> backwards = new ArrayList<>();

		public void apply(Iterable<Batch> batches) {
			for (Batch batch : batches) {
				apply(batch);
			}
		}

		public void apply(Batch batch) {
			if (batch.reset()) {
				this.objects.clear();
				this.versions.clear();
			}
			for (JsonNode change : batch.changes()) {
				String id = change.get("id").asString();
				long version = change.get("version").asLong();
				boolean upsert = "upsert".equals(change.get("op").asString());
				Long known = this.versions.get(id);
				if (known != null && known > version) {
					this.backwards.add(id + ": " + known + " then " + version);
					continue;
				}
				// At the same version only the other verdict counts: a forget when access
				// was revoked, an upsert when it was granted again.
				if (known != null && known == version && upsert == this.objects.containsKey(id)) {
					continue;
				}
				this.versions.put(id, version);
				if (!upsert) {
					this.objects.remove(id);
				}
				else {
					this.objects.put(id, change);
				}
			}
		}

		public Map<String, JsonNode> objects() {
			return this.objects;
		}

		public Map<String, Long> liveVersions() {
			Map<String, Long> live = new HashMap<>();
			this.objects.forEach((id, change) -> live.put(id, change.get("version").asLong()));
			return live;
		}

		public List<String> versionsGoingBackwards() {
			return this.backwards;
		}

	}

}
