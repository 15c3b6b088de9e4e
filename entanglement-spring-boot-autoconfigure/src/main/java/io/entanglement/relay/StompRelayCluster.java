package io.entanglement.relay;

import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.entanglement.ObjectKey;
import io.entanglement.OwnerDecision;
import io.entanglement.OwnerUnreachableException;
import io.entanglement.ProposalReply;
import io.entanglement.ProposalTimeoutException;
import io.entanglement.SyncChange;
import io.entanglement.SyncViewer;
import io.entanglement.engine.ClusterLink;
import io.entanglement.engine.SyncManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationListener;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageSendingOperations;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.broker.BrokerAvailabilityEvent;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;

/**
 * The {@link ClusterLink} of instances that share an external STOMP broker through
 * Spring's broker relay. Each instance publishes a compact notice of every commit it fans
 * out on {@value #CLUSTER_TOPIC}, and receives the others' notices on the relay's shared
 * system connection; owners' answers travel to the instance holding the proposal on that
 * instance's own topic. Notices carry sequence numbers and object ids, never the record
 * of truth: receivers read the objects' current state from the shared database, and a
 * notice lost while the broker was away is made up for from the change log.
 *
 * @author Entanglement
 */
public final class StompRelayCluster implements ClusterLink, ApplicationListener<BrokerAvailabilityEvent> {

	/** Where every instance publishes its commits. */
	public static final String CLUSTER_TOPIC = "/topic/entanglement.cluster";

	/** Prefix of the topic each instance receives answers on, followed by its id. */
	public static final String INSTANCE_TOPIC_PREFIX = "/topic/entanglement.instance.";

	private static final Log logger = LogFactory.getLog(StompRelayCluster.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final SyncManager manager;

	private final SimpMessageSendingOperations broker;

	private final String instanceId;

	private final Duration answerTimeout;

	private final BiFunction<String, List<String>, Principal> principals;

	private final Function<@Nullable Principal, List<String>> authorities;

	private final Map<String, CompletableFuture<ProposalReply>> answers = new ConcurrentHashMap<>();

	private final LongAdder sent = new LongAdder();

	private final LongAdder received = new LongAdder();

	private final LongAdder failed = new LongAdder();

	private volatile boolean brokerAvailable;

	private volatile boolean everAvailable;

	/**
	 * Create the link of one instance.
	 * @param manager the instance's sync manager
	 * @param broker sends to the broker (Spring's {@code brokerMessagingTemplate})
	 * @param instanceId this instance's id, unique in the cluster
	 * @param answerTimeout how long an owner's answer may take to be taken by the
	 * instance holding the proposal
	 * @param principals rebuilds an answering owner's principal from its name and
	 * authorities
	 * @param authorities the authorities of a principal, carried with its answers
	 */
	public StompRelayCluster(SyncManager manager, SimpMessageSendingOperations broker, String instanceId,
			Duration answerTimeout, BiFunction<String, List<String>, Principal> principals,
			Function<@Nullable Principal, List<String>> authorities) {
		this.manager = manager;
		this.broker = broker;
		this.instanceId = instanceId;
		this.answerTimeout = answerTimeout;
		this.principals = principals;
		this.authorities = authorities;
	}

	/**
	 * What the relay's system connection subscribes to for this instance.
	 * @return handlers by destination
	 */
	public Map<String, MessageHandler> systemSubscriptions() {
		Map<String, MessageHandler> subscriptions = new LinkedHashMap<>();
		subscriptions.put(CLUSTER_TOPIC, this::onClusterMessage);
		subscriptions.put(INSTANCE_TOPIC_PREFIX + this.instanceId, this::onInstanceMessage);
		return subscriptions;
	}

	/**
	 * This instance's id.
	 * @return the id
	 */
	public String instanceId() {
		return this.instanceId;
	}

	/**
	 * Whether the relay's system connection to the broker is up.
	 * @return {@code true} while the broker is available
	 */
	public boolean isBrokerAvailable() {
		return this.brokerAvailable;
	}

	/**
	 * Notices this instance published.
	 * @return the count
	 */
	public long noticesSent() {
		return this.sent.sum();
	}

	/**
	 * Notices of other instances this instance received.
	 * @return the count
	 */
	public long noticesReceived() {
		return this.received.sum();
	}

	/**
	 * Notices that could not be published (the broker was away); the other instances fill
	 * the gap from the change log.
	 * @return the count
	 */
	public long noticesFailed() {
		return this.failed.sum();
	}

	@Override
	public void onApplicationEvent(BrokerAvailabilityEvent event) {
		boolean available = event.isBrokerAvailable();
		boolean back = available && !this.brokerAvailable && this.everAvailable;
		this.brokerAvailable = available;
		if (available) {
			this.everAvailable = true;
		}
		if (back) {
			// Notices published while the broker was away are lost: whatever they told
			// is read from the change log.
			logger.info("Broker available again: resynchronizing from the change log");
			this.manager.resync();
		}
	}

	// -- Publishing ---------------------------------------------------------------------

	@Override
	public void committed(long seq, List<SyncChange> changes, @Nullable List<@Nullable SyncChange> previous) {
		Map<String, Object> notice = notice("commit", seq);
		List<Object> encoded = new ArrayList<>(changes.size());
		for (int i = 0; i < changes.size(); i++) {
			Map<String, Object> entry = change(changes.get(i));
			SyncChange before = (previous != null) ? previous.get(i) : null;
			if (before != null) {
				entry.put("previous", change(before));
			}
			encoded.add(entry);
		}
		notice.put("changes", encoded);
		send(CLUSTER_TOPIC, notice);
	}

	@Override
	public void accessChanged(long seq, List<ObjectKey> keys, List<@Nullable Set<String>> formerAudiences) {
		Map<String, Object> notice = notice("access", seq);
		notice.put("keys", keys.stream().map((key) -> List.of(key.type(), key.id())).toList());
		List<@Nullable List<String>> former = new ArrayList<>(formerAudiences.size());
		formerAudiences.forEach((audience) -> former.add((audience != null) ? List.copyOf(audience) : null));
		notice.put("former", former);
		send(CLUSTER_TOPIC, notice);
	}

	@Override
	public void transition(ObjectKey key, String transition, @Nullable String by, Map<String, @Nullable Object> state) {
		Map<String, Object> notice = notice("transition", 0);
		notice.put("type", key.type());
		notice.put("id", key.id());
		notice.put("transition", transition);
		if (by != null) {
			notice.put("by", by);
		}
		notice.put("state", state);
		send(CLUSTER_TOPIC, notice);
	}

	@Override
	public void transitionEnded(ObjectKey key, String transition, String reason) {
		Map<String, Object> notice = notice("transition-end", 0);
		notice.put("type", key.type());
		notice.put("id", key.id());
		notice.put("transition", transition);
		notice.put("reason", reason);
		send(CLUSTER_TOPIC, notice);
	}

	@Override
	public CompletableFuture<ProposalReply> answer(String instanceId, SyncViewer owner, String requestId,
			OwnerDecision decision) {
		CompletableFuture<ProposalReply> reply = new CompletableFuture<>();
		String correlation = UUID.randomUUID().toString();
		this.answers.put(correlation, reply);
		reply
			.completeOnTimeout(
					ProposalReply.rejected(requestId,
							new ProposalTimeoutException("The instance holding the request did not answer in time")),
					this.answerTimeout.toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((result, failure) -> this.answers.remove(correlation));
		Map<String, Object> message = notice("answer", 0);
		message.put("correlation", correlation);
		message.put("requestId", requestId);
		message.put("session", owner.sessionId());
		if (owner.name() != null) {
			message.put("owner", owner.name());
			message.put("authorities", this.authorities.apply(owner.principal()));
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("accept", decision.accept());
		body.put("state", decision.state());
		if (decision.code() != null) {
			body.put("code", decision.code());
		}
		if (decision.message() != null) {
			body.put("message", decision.message());
		}
		message.put("decision", body);
		if (!send(INSTANCE_TOPIC_PREFIX + instanceId, message)) {
			reply.complete(ProposalReply.rejected(requestId,
					new OwnerUnreachableException("The instance holding the request cannot be reached")));
		}
		return reply;
	}

	private Map<String, Object> notice(String kind, long seq) {
		Map<String, Object> notice = new LinkedHashMap<>();
		notice.put("from", this.instanceId);
		notice.put("kind", kind);
		notice.put("seq", seq);
		return notice;
	}

	private static Map<String, Object> change(SyncChange change) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("type", change.key().type());
		entry.put("id", change.key().id());
		entry.put("op", change.op().name());
		entry.put("version", change.version());
		if (change.owner() != null) {
			entry.put("owner", change.owner());
		}
		entry.put("state", change.state());
		return entry;
	}

	private boolean send(String destination, Map<String, Object> body) {
		try {
			SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(SimpMessageType.MESSAGE);
			headers.setContentType(MimeTypeUtils.APPLICATION_JSON);
			headers.setLeaveMutable(true);
			this.broker.send(destination,
					MessageBuilder.createMessage(json.writeValueAsBytes(body), headers.getMessageHeaders()));
			this.sent.increment();
			return true;
		}
		catch (RuntimeException ex) {
			this.failed.increment();
			if (logger.isDebugEnabled()) {
				logger.debug("Failed to publish to " + destination + ": " + ex.getMessage());
			}
			return false;
		}
	}

	// -- Receiving ----------------------------------------------------------------------

	@SuppressWarnings("unchecked")
	private void onClusterMessage(Message<?> message) {
		JsonNode notice = read(message);
		if (notice == null || this.instanceId.equals(notice.path("from").asString(""))) {
			return;
		}
		this.received.increment();
		try {
			long seq = notice.path("seq").asLong();
			switch (notice.path("kind").asString("")) {
				case "commit" -> {
					List<SyncChange> changes = new ArrayList<>();
					List<@Nullable SyncChange> previous = new ArrayList<>();
					for (JsonNode entry : notice.path("changes")) {
						changes.add(change(entry));
						JsonNode before = entry.get("previous");
						previous.add((before != null && !before.isNull()) ? change(before) : null);
					}
					this.manager.remoteCommitted(seq, changes, previous);
				}
				case "access" -> {
					List<ObjectKey> keys = new ArrayList<>();
					for (JsonNode key : notice.path("keys")) {
						keys.add(new ObjectKey(key.path(0).asString(), key.path(1).asString()));
					}
					List<@Nullable Set<String>> former = new ArrayList<>();
					for (JsonNode audience : notice.path("former")) {
						if (audience.isArray()) {
							Set<String> audienceKeys = new java.util.HashSet<>();
							audience.forEach((key) -> audienceKeys.add(key.asString()));
							former.add(audienceKeys);
						}
						else {
							former.add(null);
						}
					}
					this.manager.remoteAccessChanged(seq, keys, former);
				}
				case "transition" -> {
					Map<String, @Nullable Object> state = json.convertValue(notice.path("state"), Map.class);
					this.manager.remoteTransition(key(notice), notice.path("transition").asString(), text(notice, "by"),
							(state != null) ? state : Map.of());
				}
				case "transition-end" -> this.manager.remoteTransitionEnded(key(notice),
						notice.path("transition").asString(), notice.path("reason").asString());
				default -> logger.debug("Ignoring a cluster notice of kind " + notice.path("kind"));
			}
		}
		catch (RuntimeException ex) {
			// The gap is filled from the change log.
			logger.warn("Failed to handle a cluster notice", ex);
		}
	}

	private void onInstanceMessage(Message<?> message) {
		JsonNode body = read(message);
		if (body == null) {
			return;
		}
		this.received.increment();
		try {
			switch (body.path("kind").asString("")) {
				case "answer" -> answered(body);
				case "answered" -> {
					CompletableFuture<ProposalReply> reply = this.answers.get(body.path("correlation").asString(""));
					if (reply != null) {
						reply.complete(reply(body.path("reply")));
					}
				}
				default -> logger.debug("Ignoring an instance message of kind " + body.path("kind"));
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Failed to handle a message from another instance", ex);
		}
	}

	/**
	 * An owner connected to another instance answered a request this instance holds.
	 */
	private void answered(JsonNode body) {
		String requestId = body.path("requestId").asString("");
		Principal principal = null;
		if (body.hasNonNull("owner")) {
			List<String> authorities = new ArrayList<>();
			body.path("authorities").forEach((authority) -> authorities.add(authority.asString()));
			principal = this.principals.apply(body.path("owner").asString(), authorities);
		}
		JsonNode decision = body.path("decision");
		Map<String, @Nullable Object> state = json.convertValue(decision.path("state"), Map.class);
		ProposalReply reply = this.manager.answer(new SyncViewer(body.path("session").asString(""), principal),
				requestId, new OwnerDecision(decision.path("accept").asBoolean(), (state != null) ? state : Map.of(),
						text(decision, "code"), text(decision, "message")));
		Map<String, Object> answered = notice("answered", 0);
		answered.put("correlation", body.path("correlation").asString(""));
		Map<String, Object> encoded = new LinkedHashMap<>();
		encoded.put("requestId", reply.requestId());
		encoded.put("status", reply.status());
		putIfPresent(encoded, "id", reply.id());
		putIfPresent(encoded, "version", reply.version());
		putIfPresent(encoded, "code", reply.code());
		putIfPresent(encoded, "message", reply.message());
		answered.put("reply", encoded);
		send(INSTANCE_TOPIC_PREFIX + body.path("from").asString(""), answered);
	}

	private static ObjectKey key(JsonNode notice) {
		return new ObjectKey(notice.path("type").asString(), notice.path("id").asString());
	}

	private static ProposalReply reply(JsonNode reply) {
		return new ProposalReply(reply.path("requestId").asString(""), reply.path("status").asString(""),
				text(reply, "id"), reply.hasNonNull("version") ? reply.get("version").asLong() : null,
				text(reply, "code"), text(reply, "message"), null);
	}

	@SuppressWarnings("unchecked")
	private static SyncChange change(JsonNode entry) {
		Map<String, @Nullable Object> state = json.convertValue(entry.path("state"), Map.class);
		return new SyncChange(SyncChange.Op.valueOf(entry.path("op").asString()),
				new ObjectKey(entry.path("type").asString(), entry.path("id").asString()), text(entry, "owner"),
				entry.path("version").asLong(), (state != null) ? state : Map.of());
	}

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && !value.isNull()) ? value.asString() : null;
	}

	private static void putIfPresent(Map<String, Object> body, String name, @Nullable Object value) {
		if (value != null) {
			body.put(name, value);
		}
	}

	private static @Nullable JsonNode read(Message<?> message) {
		if (!(message.getPayload() instanceof byte[] bytes)) {
			return null;
		}
		try {
			return json.readTree(bytes);
		}
		catch (JacksonException ex) {
			logger.warn("Ignoring a malformed cluster message");
			return null;
		}
	}

}
