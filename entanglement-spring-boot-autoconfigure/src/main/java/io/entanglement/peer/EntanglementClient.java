package io.entanglement.peer;

import java.lang.reflect.Type;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.entanglement.ObjectKey;
import io.entanglement.OwnerDecision;
import io.entanglement.ProposalReply;
import io.entanglement.SyncChange;
import io.entanglement.SyncException;
import io.entanglement.engine.OwnerRequest;
import javax.net.ssl.SSLContext;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.util.MimeTypeUtils;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

/**
 * A Java client of an Entanglement server, for applications and other nodes: subscribe to
 * types (with resume tokens and filters), propose changes and receive their one reply,
 * and answer proposals forwarded to objects this client's user owns. It speaks the wire
 * contract over STOMP on WebSocket, on Spring's {@link WebSocketStompClient}.
 *
 * <pre class="code">
 * WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
 * headers.setBasicAuth("alice", "password");
 * try (EntanglementClient client = EntanglementClient.connect(URI.create("ws://localhost:8080/entanglement"), headers)) {
 *     client.subscribe("location", null, Map.of(), (batch) -&gt; view.apply(batch));
 *     ProposalReply reply = client.propose("location", "42", Map.of("lat", 1.5), 7L).join();
 * }
 * </pre>
 *
 * TLS with a pinned certificate uses the standard JDK configuration of the WebSocket
 * container (a {@code wss://} URL and the {@code javax.net.ssl.trustStore} of your
 * choice), or an {@link SSLContext} of its own passed to
 * {@link #connect(URI, WebSocketHttpHeaders, StompHeaders, SSLContext, Duration)}.
 *
 * @author Entanglement
 */
public final class EntanglementClient implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(EntanglementClient.class);

	private static final String REPLIES = "/user/queue/entanglement/replies";

	private static final String REQUESTS = "/user/queue/entanglement/requests";

	private static final int MAX_FRAME = 4 * 1024 * 1024;

	private static final JsonMapper json = JsonMapper.builder().build();

	private final StompSession session;

	private final WebSocketStompClient stompClient;

	private final Map<String, CompletableFuture<ProposalReply>> pending = new ConcurrentHashMap<>();

	/**
	 * Guards every frame this client sends: Spring's STOMP session is not safe for
	 * concurrent sends (replies to the owner leave from the receiving thread while the
	 * caller subscribes, proposes or closes).
	 */
	private final Object sending = new Object();

	private final Map<String, Listener> subscriptions = new ConcurrentHashMap<>();

	private volatile @Nullable Function<OwnerRequest, CompletableFuture<OwnerDecision>> requestHandler;

	private final AtomicLong receivedBytes = new AtomicLong();

	private EntanglementClient(StompSession session, WebSocketStompClient stompClient) {
		this.session = session;
		this.stompClient = stompClient;
	}

	/**
	 * Connect to a server.
	 * @param url the STOMP endpoint, such as {@code ws://host:8080/entanglement}
	 * @param headers the handshake headers: credentials (HTTP Basic, a bearer token)
	 * @return the connected client
	 * @throws SyncException if the connection fails within ten seconds
	 */
	public static EntanglementClient connect(URI url, WebSocketHttpHeaders headers) {
		return connect(url, headers, Duration.ofSeconds(10));
	}

	/**
	 * Connect to a server.
	 * @param url the STOMP endpoint
	 * @param headers the handshake headers
	 * @param timeout how long to wait for the connection
	 * @return the connected client
	 * @throws SyncException if the connection fails within the timeout
	 */
	public static EntanglementClient connect(URI url, WebSocketHttpHeaders headers, Duration timeout) {
		return connect(url, headers, new StompHeaders(), timeout);
	}

	/**
	 * Connect to a server with STOMP CONNECT headers of its own, such as
	 * {@code entanglement-max-bytes-per-second} to ask for a byte budget below the
	 * server's cap on a thin link.
	 * @param url the STOMP endpoint
	 * @param headers the handshake headers
	 * @param connectHeaders the CONNECT frame's headers
	 * @param timeout how long to wait for the connection
	 * @return the connected client
	 * @throws SyncException if the connection fails within the timeout
	 */
	public static EntanglementClient connect(URI url, WebSocketHttpHeaders headers, StompHeaders connectHeaders,
			Duration timeout) {
		return connect(url, headers, connectHeaders, null, timeout);
	}

	/**
	 * Connect to a server over TLS with an SSL context of its own, such as one whose
	 * trust store holds only the server's certificate (a pinned certificate).
	 * @param url the STOMP endpoint, {@code wss://...}
	 * @param headers the handshake headers
	 * @param connectHeaders the CONNECT frame's headers
	 * @param sslContext the SSL context, {@code null} for the JDK's default
	 * @param timeout how long to wait for the connection
	 * @return the connected client
	 * @throws SyncException if the connection fails within the timeout
	 */
	public static EntanglementClient connect(URI url, WebSocketHttpHeaders headers, StompHeaders connectHeaders,
			@Nullable SSLContext sslContext, Duration timeout) {
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		container.setDefaultMaxTextMessageBufferSize(MAX_FRAME);
		container.setDefaultMaxBinaryMessageBufferSize(MAX_FRAME);
		// Batches arrive as binary messages if the CONNECT headers ask for them.
		StandardWebSocketClient webSocketClient = new StandardWebSocketClient(container);
		if (sslContext != null) {
			webSocketClient.setSslContext(sslContext);
		}
		WebSocketStompClient stompClient = new WebSocketStompClient(webSocketClient);
		stompClient.setMessageConverter(new ByteArrayMessageConverter() {

			@Override
			protected boolean supportsMimeType(MessageHeaders headers) {
				return true;
			}

		});
		stompClient.setInboundMessageSizeLimit(MAX_FRAME);
		StompSession session;
		try {
			session = stompClient.connectAsync(url.toString(), headers, connectHeaders, new Handler())
				.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			stompClient.stop();
			throw new SyncException("unreachable", "Could not connect to " + url + ": " + ex.getMessage());
		}
		EntanglementClient client = new EntanglementClient(session, stompClient);
		session.subscribe(REPLIES, client.frames(client::reply));
		session.subscribe(REQUESTS, client.frames(client::request));
		return client;
	}

	/**
	 * Subscribe to a type. Batches arrive on the listener in order, on the client's
	 * thread; the last one of the snapshot (or catch-up) has {@link Batch#synced()}.
	 * @param type the type name
	 * @param since the resume token of an earlier subscription, or {@code null} for a
	 * snapshot
	 * @param filter equality on attributes, empty for none
	 * @param listener receives the batches
	 * @return the subscription id; refusals reach {@link Listener#refused(SyncException)}
	 */
	public String subscribe(String type, @Nullable String since, Map<String, String> filter, Listener listener) {
		String id = "s-" + UUID.randomUUID();
		StompHeaders headers = new StompHeaders();
		headers.setDestination("/entanglement/" + type);
		headers.setId(id);
		if (since != null) {
			headers.set("entanglement-since", since);
		}
		if (!filter.isEmpty()) {
			headers.set("entanglement-filter",
					filter.entrySet()
						.stream()
						.map((entry) -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
						.collect(Collectors.joining("&")));
		}
		this.subscriptions.put(id, listener);
		synchronized (this.sending) {
			this.session.subscribe(headers,
					frames((frameHeaders, body) -> listener.batch(Batch.of(frameHeaders, body))));
		}
		return id;
	}

	/**
	 * Propose a change of an object: it travels to the object's owner.
	 * @param type the type name
	 * @param id the object id, {@code null} to create
	 * @param state the attributes to change
	 * @param baseVersion the version the change is based on, {@code null} for no check
	 * @return the one reply; a rejection completes it normally, with its code
	 */
	public CompletableFuture<ProposalReply> propose(String type, @Nullable String id, Map<String, ?> state,
			@Nullable Long baseVersion) {
		Map<String, Object> body = new LinkedHashMap<>();
		if (id != null) {
			body.put("id", id);
		}
		if (baseVersion != null) {
			body.put("baseVersion", baseVersion);
		}
		body.put("state", state);
		return request("/app/entanglement/" + type + "/propose", body);
	}

	/**
	 * Propose to delete an object.
	 * @param type the type name
	 * @param id the object id
	 * @return the one reply
	 */
	public CompletableFuture<ProposalReply> delete(String type, String id) {
		return request("/app/entanglement/" + type + "/propose", Map.of("id", id, "delete", true));
	}

	/**
	 * Show other viewers a change of an object while it is being made, or end the
	 * transition. Nothing is stored; a proposal commits the change.
	 * @param type the type name
	 * @param id the object id
	 * @param transitionId this client's id of the transition
	 * @param state the attributes shown over the object, or {@code null} to end the
	 * transition
	 */
	public void transition(String type, String id, String transitionId, @Nullable Map<String, ?> state) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("id", id);
		body.put("transition", transitionId);
		if (state != null) {
			body.put("state", state);
		}
		else {
			body.put("end", true);
		}
		send("/app/entanglement/" + type + "/transition", body);
	}

	/**
	 * Answer proposals forwarded to objects this client's user owns. The handler's
	 * decision is sent back to the server.
	 * @param handler decides each request
	 */
	public void onRequest(Function<OwnerRequest, CompletableFuture<OwnerDecision>> handler) {
		this.requestHandler = handler;
	}

	/**
	 * The bytes of the message bodies received so far, over all subscriptions and
	 * replies.
	 * @return the byte count
	 */
	public long receivedBytes() {
		return this.receivedBytes.get();
	}

	/**
	 * Whether the connection is open.
	 * @return {@code true} while connected
	 */
	public boolean isConnected() {
		return this.session.isConnected();
	}

	@Override
	public void close() {
		try {
			synchronized (this.sending) {
				if (this.session.isConnected()) {
					this.session.disconnect();
				}
			}
		}
		finally {
			this.stompClient.stop();
			this.pending.values()
				.forEach((reply) -> reply.completeExceptionally(
						new SyncException("owner-unreachable", "The connection closed before the reply")));
		}
	}

	private CompletableFuture<ProposalReply> request(String destination, Map<String, Object> fields) {
		String requestId = UUID.randomUUID().toString();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("requestId", requestId);
		body.putAll(fields);
		CompletableFuture<ProposalReply> reply = new CompletableFuture<>();
		this.pending.put(requestId, reply);
		send(destination, body);
		return reply;
	}

	private void send(String destination, Object body) {
		StompHeaders headers = new StompHeaders();
		headers.setDestination(destination);
		headers.setContentType(MimeTypeUtils.APPLICATION_JSON);
		byte[] payload = json.writeValueAsBytes(body);
		synchronized (this.sending) {
			this.session.send(headers, payload);
		}
	}

	private void reply(StompHeaders headers, JsonNode body) {
		JsonNode requestId = body.get("requestId");
		if (requestId != null && requestId.isString()) {
			CompletableFuture<ProposalReply> reply = this.pending.remove(requestId.asString());
			if (reply != null) {
				reply.complete(toReply(requestId.asString(), body));
			}
			return;
		}
		JsonNode subscription = body.get("subscription");
		if (subscription != null) {
			Listener listener = this.subscriptions.remove(subscription.asString());
			if (listener != null) {
				listener.refused(new SyncException(text(body, "code", "invalid"), text(body, "message", "")));
			}
		}
	}

	private void request(StompHeaders headers, JsonNode body) {
		Function<OwnerRequest, CompletableFuture<OwnerDecision>> handler = this.requestHandler;
		String requestId = text(body, "requestId", "");
		OwnerRequest request = new OwnerRequest(requestId, text(body, "type", ""), text(body, "id", ""),
				body.has("from") ? body.get("from").asString() : null,
				body.has("baseVersion") ? body.get("baseVersion").asLong() : null, state(body.get("state")),
				body.has("delete") && body.get("delete").asBoolean());
		CompletableFuture<OwnerDecision> decision = (handler != null) ? handler.apply(request) : CompletableFuture
			.completedFuture(new OwnerDecision(false, Map.of(), "forbidden", "This client does not answer requests"));
		decision.whenComplete((answer, failure) -> {
			OwnerDecision sent = (answer != null) ? answer
					: new OwnerDecision(false, Map.of(), "invalid", "The request could not be decided");
			Map<String, Object> reply = new LinkedHashMap<>();
			reply.put("decision", sent.accept() ? "accept" : "reject");
			if (!sent.state().isEmpty()) {
				reply.put("state", sent.state());
			}
			if (sent.code() != null) {
				reply.put("code", sent.code());
			}
			if (sent.message() != null) {
				reply.put("message", sent.message());
			}
			send("/app/entanglement/requests/" + requestId, reply);
		});
	}

	private static ProposalReply toReply(String requestId, JsonNode body) {
		String status = text(body, "status", ProposalReply.REJECTED);
		Long version = body.has("version") ? body.get("version").asLong() : null;
		JsonNode current = body.get("current");
		SyncChange currentState = null;
		if (current != null && current.isObject()) {
			currentState = SyncChange.upsert(new ObjectKey(text(body, "type", ""), text(current, "id", "")),
					text(current, "owner", ""), current.get("version").asLong(), state(current.get("state")));
		}
		JsonNode result = body.get("result");
		return new ProposalReply(requestId, status, body.has("id") ? body.get("id").asString() : null, version,
				body.has("code") ? body.get("code").asString() : null,
				body.has("message") ? body.get("message").asString() : null, currentState,
				(result != null && result.isObject()) ? state(result) : null);
	}

	static Map<String, @Nullable Object> state(@Nullable JsonNode node) {
		if (node == null || !node.isObject()) {
			return Map.of();
		}
		Map<String, @Nullable Object> state = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> property : node.properties()) {
			state.put(property.getKey(), json.treeToValue(property.getValue(), Object.class));
		}
		return state;
	}

	private static String text(JsonNode node, String field, String fallback) {
		JsonNode value = node.get(field);
		return (value != null && !value.isNull()) ? value.asString() : fallback;
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private StompFrameHandler frames(java.util.function.BiConsumer<StompHeaders, JsonNode> consumer) {
		return new StompFrameHandler() {

			@Override
			public Type getPayloadType(StompHeaders headers) {
				return byte[].class;
			}

			@Override
			public void handleFrame(StompHeaders headers, @Nullable Object payload) {
				try {
					byte[] body = (byte[]) payload;
					EntanglementClient.this.receivedBytes.addAndGet(body.length);
					consumer.accept(headers, json.readTree(body));
				}
				catch (RuntimeException ex) {
					logger.error("Failed to handle a frame from " + headers.getDestination(), ex);
				}
			}

		};
	}

	/**
	 * Receives the batches of one subscription.
	 */
	public interface Listener {

		/**
		 * A batch arrived.
		 * @param batch the batch
		 */
		void batch(Batch batch);

		/**
		 * The server refused the subscription; nothing will arrive on it.
		 * @param reason why
		 */
		default void refused(SyncException reason) {
			logger.warn("Subscription refused: " + reason.getMessage());
		}

	}

	/**
	 * One batch of changes.
	 *
	 * @param type the type name
	 * @param token the resume token valid once the batch is applied
	 * @param changes the changes, in order
	 * @param synced whether the subscription has caught up
	 * @param reset whether everything held of the type must be dropped first
	 */
	public record Batch(String type, @Nullable String token, List<Change> changes, boolean synced, boolean reset) {

		static Batch of(StompHeaders headers, JsonNode body) {
			String type = text(body, "type", "");
			List<Change> changes = new java.util.ArrayList<>();
			for (JsonNode change : body.get("changes")) {
				changes.add(new Change(text(change, "op", ""), text(change, "id", ""),
						change.has("owner") ? change.get("owner").asString()
								: change.has("by") ? change.get("by").asString() : null,
						change.has("version") ? change.get("version").asLong() : -1, state(change.get("state")),
						change.has("transition") ? change.get("transition").asString() : null,
						change.has("reason") ? change.get("reason").asString() : null));
			}
			return new Batch(type, headers.getFirst("entanglement-token"), changes,
					body.path("synced").asBoolean(false), body.path("reset").asBoolean(false));
		}

	}

	/**
	 * One change of a batch.
	 *
	 * @param op {@code upsert}, {@code delete}, {@code forget}, {@code transition} or
	 * {@code transition-end}
	 * @param id the object id
	 * @param owner the owner, for an upsert; the initiator, for a transition
	 * @param version the version ({@code -1} where the operation carries none)
	 * @param state the state of an upsert or a transition
	 * @param transition the transition id, for transitions
	 * @param reason why a transition ended
	 */
	public record Change(String op, String id, @Nullable String owner, long version,
			Map<String, @Nullable Object> state, @Nullable String transition, @Nullable String reason) {
	}

	private static final class Handler extends StompSessionHandlerAdapter {

		@Override
		public void handleException(StompSession session, @Nullable StompCommand command, StompHeaders headers,
				byte[] payload, Throwable exception) {
			logger.error("Failed to handle " + command, exception);
		}

		@Override
		public void handleTransportError(StompSession session, Throwable exception) {
			logger.debug("Transport error", exception);
		}

	}

}
