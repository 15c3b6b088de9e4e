package com.example.meetup;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.example.meetup.security.DemoUsers;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.util.MimeTypeUtils;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A demo user connected to the running app over STOMP, the way a phone app or a script
 * would: HTTP Basic on the WebSocket handshake. It subscribes, proposes, and answers the
 * proposals forwarded to it as an owner.
 *
 * @author Entanglement
 */
final class MeetupClient implements AutoCloseable {

	/** How long a test waits for something that must arrive. */
	static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** How long a test waits to be sure that something does not arrive. */
	static final Duration QUIET = Duration.ofMillis(1500);

	static final JsonMapper json = JsonMapper.builder().build();

	private static final int MAX_MESSAGE_SIZE = 1024 * 1024;

	private final WebSocketStompClient client;

	private final StompSession session;

	private final String user;

	private final Map<String, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();

	/**
	 * Replies that answer no proposal of this client: refusals, notices of transitions.
	 */
	private final BlockingQueue<JsonNode> notices = new LinkedBlockingQueue<>();

	private @Nullable BlockingQueue<JsonNode> requests;

	private MeetupClient(WebSocketStompClient client, StompSession session, String user) {
		this.client = client;
		this.session = session;
		this.user = user;
	}

	/**
	 * Connect as a demo user, with the demo password.
	 * @param port the app's port
	 * @param user the user name
	 * @return the connected client, subscribed to its replies
	 */
	static MeetupClient connect(int port, String user) throws Exception {
		// Batches can be larger than the default 8 KB buffer of the WebSocket client.
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		container.setDefaultMaxTextMessageBufferSize(MAX_MESSAGE_SIZE);
		WebSocketStompClient client = new WebSocketStompClient(new StandardWebSocketClient(container));
		client.setInboundMessageSizeLimit(MAX_MESSAGE_SIZE);
		WebSocketHttpHeaders handshake = new WebSocketHttpHeaders();
		handshake.setBasicAuth(user, DemoUsers.PASSWORD);
		StompSession session = client.connectAsync("ws://localhost:" + port + "/entanglement", handshake,
				new StompHeaders(), new StompSessionHandlerAdapter() {
				})
			.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		MeetupClient meetup = new MeetupClient(client, session, user);
		session.subscribe("/user/queue/entanglement/replies", new JsonFrames(meetup::reply));
		return meetup;
	}

	/**
	 * Subscribe to a type and wait for its snapshot.
	 * @param type the type
	 * @return the subscription, synced, holding the snapshot and no changes yet
	 */
	Subscription subscribe(String type) throws InterruptedException {
		return subscribe(type, Map.of());
	}

	/**
	 * Subscribe to a type with an equality filter and wait for its snapshot.
	 * @param type the type
	 * @param filter the filter
	 * @return the subscription, synced
	 */
	Subscription subscribe(String type, Map<String, String> filter) throws InterruptedException {
		Subscription subscription = new Subscription(type);
		StompHeaders headers = new StompHeaders();
		headers.setDestination("/entanglement/" + type);
		if (!filter.isEmpty()) {
			headers.set("entanglement-filter",
					filter.entrySet()
						.stream()
						.map((entry) -> entry.getKey() + "=" + entry.getValue())
						.collect(Collectors.joining("&")));
		}
		this.session.subscribe(headers, new JsonFrames(subscription::apply));
		subscription.awaitSynced();
		// What arrives from now on is live; the snapshot is in objects().
		subscription.clear();
		return subscription;
	}

	/**
	 * Propose a change and wait for its reply.
	 * @param type the type
	 * @param id the object's id, {@code null} to create one
	 * @param state the attributes to set
	 * @return the reply
	 */
	JsonNode propose(String type, @Nullable String id, Map<String, ?> state) throws Exception {
		return proposeLater(type, id, state).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
	}

	/**
	 * Propose to delete an object and wait for the reply.
	 * @param type the type
	 * @param id the object's id
	 * @return the reply
	 */
	JsonNode proposeDelete(String type, String id) throws Exception {
		String requestId = UUID.randomUUID().toString();
		CompletableFuture<JsonNode> reply = new CompletableFuture<>();
		this.replies.put(requestId, reply);
		send("/app/entanglement/" + type + "/propose", Map.of("requestId", requestId, "id", id, "delete", true));
		return reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
	}

	/**
	 * Propose a change; the reply comes later, when an owner has decided, say.
	 * @param type the type
	 * @param id the object's id, {@code null} to create one
	 * @param state the attributes to set
	 * @return the reply, once it arrives
	 */
	CompletableFuture<JsonNode> proposeLater(String type, @Nullable String id, Map<String, ?> state) {
		Map<String, Object> body = new LinkedHashMap<>();
		String requestId = UUID.randomUUID().toString();
		body.put("requestId", requestId);
		if (id != null) {
			body.put("id", id);
		}
		body.put("state", state);
		CompletableFuture<JsonNode> reply = new CompletableFuture<>();
		this.replies.put(requestId, reply);
		send("/app/entanglement/" + type + "/propose", body);
		return reply;
	}

	/**
	 * Receive the proposals forwarded to this user as an owner.
	 */
	void decideRequests() {
		this.requests = new LinkedBlockingQueue<>();
		this.session.subscribe("/user/queue/entanglement/requests", new JsonFrames(this.requests::add));
	}

	/**
	 * The next proposal forwarded to this user as an owner.
	 * @return the request
	 */
	JsonNode nextRequest() throws InterruptedException {
		assertThat(this.requests).as("decideRequests() first").isNotNull();
		JsonNode request = this.requests.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(request).as(this.user + " receives a request within " + TIMEOUT).isNotNull();
		return request;
	}

	/**
	 * Answer a forwarded proposal, as its owner.
	 * @param requestId the request's id
	 * @param decision the answer's body
	 */
	void answer(String requestId, Map<String, ?> decision) {
		send("/app/entanglement/requests/" + requestId, decision);
	}

	/**
	 * Send a transition update.
	 * @param type the type
	 * @param id the object's id
	 * @param transition the transition's id
	 * @param state the state shown
	 */
	void transition(String type, String id, String transition, Map<String, ?> state) {
		send("/app/entanglement/" + type + "/transition", Map.of("id", id, "transition", transition, "state", state));
	}

	private void send(String destination, Map<String, ?> body) {
		StompHeaders headers = new StompHeaders();
		headers.setDestination(destination);
		headers.setContentType(MimeTypeUtils.APPLICATION_JSON);
		this.session.send(headers, json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
	}

	private void reply(JsonNode reply) {
		CompletableFuture<JsonNode> pending = reply.has("requestId")
				? this.replies.remove(reply.get("requestId").asString()) : null;
		if (pending != null) {
			pending.complete(reply);
		}
	}

	@Override
	public void close() {
		if (this.session.isConnected()) {
			this.session.disconnect();
		}
		this.client.stop();
	}

	/**
	 * What one subscription received: every change in the order it came, and the objects
	 * held as a client would hold them.
	 */
	static final class Subscription {

		private final String type;

		private final Map<String, JsonNode> objects = new ConcurrentHashMap<>();

		private final BlockingQueue<JsonNode> changes = new LinkedBlockingQueue<>();

		private final List<JsonNode> received = new CopyOnWriteArrayList<>();

		private final CompletableFuture<Void> synced = new CompletableFuture<>();

		Subscription(String type) {
			this.type = type;
		}

		private void apply(JsonNode batch) {
			assertThat(batch.get("type").asString()).isEqualTo(this.type);
			if (batch.get("reset").asBoolean()) {
				this.objects.clear();
			}
			for (JsonNode change : batch.get("changes")) {
				String id = change.get("id").asString();
				switch (change.get("op").asString()) {
					case "upsert" -> this.objects.put(id, change);
					case "delete", "forget" -> this.objects.remove(id);
					default -> {
						// transitions are shown over objects, not held
					}
				}
				this.changes.add(change);
				this.received.add(change);
			}
			if (batch.get("synced").asBoolean()) {
				this.synced.complete(null);
			}
		}

		private void awaitSynced() throws InterruptedException {
			try {
				this.synced.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				throw new AssertionError("No synced snapshot of " + this.type + " within " + TIMEOUT, ex);
			}
		}

		/**
		 * The objects held now.
		 * @return the upserts held, by id
		 */
		Map<String, JsonNode> objects() {
			return Map.copyOf(this.objects);
		}

		/**
		 * The owners of the objects held now, sorted.
		 * @return the owners
		 */
		List<String> owners() {
			return this.objects.values().stream().map((change) -> change.get("owner").asString()).sorted().toList();
		}

		/**
		 * Wait for a change that matches.
		 * @param wanted the change wanted
		 * @return the change
		 */
		JsonNode next(Predicate<JsonNode> wanted) throws InterruptedException {
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			while (System.nanoTime() < deadline) {
				JsonNode change = this.changes.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
				if (change != null && wanted.test(change)) {
					return change;
				}
			}
			throw new AssertionError("No matching change of " + this.type + " within " + TIMEOUT);
		}

		/**
		 * Forget the changes received so far, to look at the next ones only.
		 */
		void clear() {
			this.changes.clear();
			this.received.clear();
		}

		/**
		 * Wait until exactly these objects have been received (upserts, deletes or
		 * forgets), and nothing else for the quiet time after.
		 * @param ids the ids of the objects
		 */
		void receivesExactly(Set<String> ids) {
			receiveExactly(Map.of(this, ids));
		}

		/**
		 * Wait until each subscription has received exactly its objects, and nothing else
		 * for the quiet time after.
		 * @param expected the ids of the objects each subscription receives
		 */
		static void receiveExactly(Map<Subscription, Set<String>> expected) {
			Awaitility.await()
				.atMost(TIMEOUT)
				.untilAsserted(() -> expected.forEach((subscription,
						ids) -> assertThat(subscription.receivedIds()).as(subscription.type).containsAll(ids)));
			Awaitility.await()
				.during(QUIET)
				.atMost(QUIET.plus(TIMEOUT))
				.untilAsserted(() -> expected.forEach((subscription,
						ids) -> assertThat(subscription.receivedIds()).as(subscription.type).isEqualTo(ids)));
		}

		/**
		 * Every change received so far, in order.
		 * @return the changes
		 */
		List<JsonNode> received() {
			return List.copyOf(this.received);
		}

		/**
		 * Every change that arrives within the quiet time.
		 * @return the changes
		 */
		List<JsonNode> quietly() throws InterruptedException {
			List<JsonNode> received = new ArrayList<>();
			long deadline = System.nanoTime() + QUIET.toNanos();
			for (long left = QUIET.toNanos(); left > 0; left = deadline - System.nanoTime()) {
				JsonNode change = this.changes.poll(left, TimeUnit.NANOSECONDS);
				if (change != null) {
					received.add(change);
				}
			}
			return received;
		}

		private Set<String> receivedIds() {
			return this.received.stream()
				.filter((change) -> !change.get("op").asString().startsWith("transition"))
				.map((change) -> change.get("id").asString())
				.collect(Collectors.toSet());
		}

	}

	/**
	 * Reads each MESSAGE body as JSON.
	 */
	private record JsonFrames(Consumer<JsonNode> consumer) implements StompFrameHandler {

		@Override
		public Type getPayloadType(StompHeaders headers) {
			return byte[].class;
		}

		@Override
		public void handleFrame(StompHeaders headers, @Nullable Object payload) {
			this.consumer.accept(json.readTree((byte[]) payload));
		}

	}

}
