package io.entanglement.stomp;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.entanglement.InvalidRequestException;
import io.entanglement.OwnerDecision;
import io.entanglement.Proposal;
import io.entanglement.SyncException;
import io.entanglement.SyncViewer;
import io.entanglement.engine.SyncManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;

/**
 * Handles {@code SEND /app/entanglement/{type}/propose} and owners' answers on
 * {@code SEND /app/entanglement/requests/{requestId}}. Bodies are read strictly:
 * malformed or deeply nested JSON, unknown fields and wrong types are refused with an
 * {@code invalid} reply and change nothing.
 *
 * @author Entanglement
 */
public final class StompProposalHandler extends InboundChannelHandler {

	/** The prefix of the destinations this handler serves. */
	public static final String PREFIX = "/app/entanglement/";

	private static final Pattern PROPOSE = Pattern.compile("/app/entanglement/([A-Za-z0-9_-]{1,100})/propose");

	private static final Pattern TRANSITION = Pattern.compile("/app/entanglement/([A-Za-z0-9_-]{1,100})/transition");

	private static final Set<String> TRANSITION_FIELDS = Set.of("id", "transition", "state", "end");

	private static final Pattern OWNER = Pattern.compile("/app/entanglement/([A-Za-z0-9_-]{1,100})/owner");

	private static final Set<String> OWNER_FIELDS = Set.of("requestId", "id", "baseVersion", "owner");

	private static final Pattern ANSWER = Pattern.compile("/app/entanglement/requests/([A-Za-z0-9_-]{1,100})");

	private static final Set<String> PROPOSAL_FIELDS = Set.of("requestId", "id", "baseVersion", "state", "delete",
			"transition");

	private static final Set<String> ANSWER_FIELDS = Set.of("decision", "state", "code", "message");

	private static final int MAX_REQUEST_ID = 100;

	private static final Log logger = LogFactory.getLog(StompProposalHandler.class);

	private static final JsonMapper json = JsonMapper
		.builder(JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
			.build())
		.build();

	private final SyncManager manager;

	private final StompReplies replies;

	/**
	 * Create a handler.
	 * @param clientInboundChannel the channel of client frames
	 * @param manager the sync manager
	 * @param replies where replies go
	 */
	public StompProposalHandler(SubscribableChannel clientInboundChannel, SyncManager manager, StompReplies replies) {
		super(clientInboundChannel);
		this.manager = manager;
		this.replies = replies;
	}

	@Override
	public void handleMessage(Message<?> message) {
		MessageHeaders headers = message.getHeaders();
		if (SimpMessageHeaderAccessor.getMessageType(headers) != SimpMessageType.MESSAGE) {
			return;
		}
		String destination = SimpMessageHeaderAccessor.getDestination(headers);
		String sessionId = SimpMessageHeaderAccessor.getSessionId(headers);
		if (destination == null || sessionId == null || !destination.startsWith(PREFIX)) {
			return;
		}
		Principal user = SimpMessageHeaderAccessor.getUser(headers);
		SyncViewer viewer = new SyncViewer(sessionId, user);
		String requestId = null;
		try {
			JsonNode body = read(message.getPayload());
			Matcher propose = PROPOSE.matcher(destination);
			Matcher answer = ANSWER.matcher(destination);
			Matcher owner = OWNER.matcher(destination);
			if (propose.matches()) {
				requestId = requestId(body);
				Proposal proposal = proposal(propose.group(1), requestId, body);
				this.manager.propose(viewer, proposal)
					.whenComplete((reply, failure) -> this.replies.reply(sessionId, user, reply));
			}
			else if (owner.matches()) {
				requestId = requestId(body);
				onlyFields(body, OWNER_FIELDS);
				String id = id(body);
				JsonNode newOwner = body.get("owner");
				if (id == null || newOwner == null || !newOwner.isString() || newOwner.asString().isBlank()
						|| newOwner.asString().length() > 255) {
					throw new InvalidRequestException("An ownership change needs 'id' and a non-empty 'owner'");
				}
				this.manager.changeOwner(viewer, requestId, owner.group(1), id, baseVersion(body), newOwner.asString())
					.whenComplete((reply, failure) -> this.replies.reply(sessionId, user, reply));
			}
			else if (TRANSITION.matcher(destination).matches()) {
				Matcher transition = TRANSITION.matcher(destination);
				transition.matches();
				onlyFields(body, TRANSITION_FIELDS);
				String id = id(body);
				if (id == null) {
					throw new InvalidRequestException("A transition needs the 'id' of an object");
				}
				String transitionId = transitionId(body.get("transition"));
				JsonNode end = body.get("end");
				if (end != null && !end.isNull() && !end.isBoolean()) {
					throw new InvalidRequestException("'end' must be a boolean");
				}
				try {
					if (end != null && end.asBoolean()) {
						this.manager.endTransition(viewer, transition.group(1), id, transitionId);
					}
					else {
						this.manager.transition(viewer, transition.group(1), id, transitionId,
								state(body.get("state")));
					}
				}
				catch (SyncException ex) {
					this.replies.transitionRejected(sessionId, user, transition.group(1), id, transitionId, ex, null);
				}
			}
			else if (answer.matches()) {
				requestId = answer.group(1);
				this.manager.decide(viewer, requestId, decision(body))
					.whenComplete((reply, failure) -> this.replies.reply(sessionId, user, reply));
			}
			else {
				throw new InvalidRequestException("No such destination: " + destination);
			}
		}
		catch (SyncException ex) {
			this.replies.rejected(sessionId, user, requestId, ex);
		}
		catch (RuntimeException ex) {
			// Whatever went wrong, the client hears back and its session stays usable.
			logger.error("Failed to handle SEND to " + destination, ex);
			this.replies.rejected(sessionId, user, requestId,
					new InvalidRequestException("The request could not be handled"));
		}
	}

	private static JsonNode read(Object payload) {
		if (!(payload instanceof byte[] bytes)) {
			throw new InvalidRequestException("The body must be JSON");
		}
		try {
			JsonNode node = json.readTree(bytes);
			if (node == null || !node.isObject()) {
				throw new InvalidRequestException("The body must be a JSON object");
			}
			return node;
		}
		catch (JacksonException ex) {
			throw new InvalidRequestException("Malformed JSON: " + ex.getOriginalMessage());
		}
	}

	private static String requestId(JsonNode body) {
		JsonNode node = body.get("requestId");
		if (node == null || !node.isString() || node.asString().isEmpty()
				|| node.asString().length() > MAX_REQUEST_ID) {
			throw new InvalidRequestException("'requestId' must be a string of 1 to " + MAX_REQUEST_ID + " characters");
		}
		return node.asString();
	}

	private static Proposal proposal(String type, String requestId, JsonNode body) {
		onlyFields(body, PROPOSAL_FIELDS);
		String id = id(body);
		Long baseVersion = baseVersion(body);
		boolean delete = false;
		JsonNode deleteNode = body.get("delete");
		if (deleteNode != null && !deleteNode.isNull()) {
			if (!deleteNode.isBoolean()) {
				throw new InvalidRequestException("'delete' must be a boolean");
			}
			delete = deleteNode.asBoolean();
		}
		JsonNode transition = body.get("transition");
		String transitionId = (transition != null && !transition.isNull()) ? transitionId(transition) : null;
		return new Proposal(requestId, type, id, baseVersion, state(body.get("state")), delete, transitionId);
	}

	private static String transitionId(@Nullable JsonNode node) {
		if (node == null || !node.isString() || node.asString().isEmpty()
				|| node.asString().length() > MAX_REQUEST_ID) {
			throw new InvalidRequestException(
					"'transition' must be a string of 1 to " + MAX_REQUEST_ID + " characters");
		}
		return node.asString();
	}

	private static @Nullable String id(JsonNode body) {
		JsonNode idNode = body.get("id");
		if (idNode == null || idNode.isNull()) {
			return null;
		}
		if (!(idNode.isString() || idNode.isIntegralNumber()) || idNode.asString().length() > 255) {
			throw new InvalidRequestException("'id' must be a string");
		}
		return idNode.asString();
	}

	private static @Nullable Long baseVersion(JsonNode body) {
		JsonNode versionNode = body.get("baseVersion");
		if (versionNode == null || versionNode.isNull()) {
			return null;
		}
		if (!versionNode.isIntegralNumber() || !versionNode.canConvertToLong()) {
			throw new InvalidRequestException("'baseVersion' must be an integer");
		}
		return versionNode.asLong();
	}

	private static OwnerDecision decision(JsonNode body) {
		onlyFields(body, ANSWER_FIELDS);
		JsonNode decision = body.get("decision");
		if (decision == null || !decision.isString()
				|| !(decision.asString().equals("accept") || decision.asString().equals("reject"))) {
			throw new InvalidRequestException("'decision' must be \"accept\" or \"reject\"");
		}
		return new OwnerDecision(decision.asString().equals("accept"), state(body.get("state")), text(body.get("code")),
				text(body.get("message")));
	}

	private static Map<String, @Nullable Object> state(@Nullable JsonNode node) {
		if (node == null || node.isNull()) {
			return Map.of();
		}
		if (!node.isObject()) {
			throw new InvalidRequestException("'state' must be a JSON object");
		}
		Map<String, @Nullable Object> state = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> property : node.properties()) {
			state.put(property.getKey(), json.treeToValue(property.getValue(), Object.class));
		}
		return state;
	}

	private static @Nullable String text(@Nullable JsonNode node) {
		return (node != null && node.isString()) ? node.asString() : null;
	}

	private static void onlyFields(JsonNode body, Set<String> allowed) {
		for (String name : body.propertyNames()) {
			if (!allowed.contains(name)) {
				throw new InvalidRequestException("Unknown field '" + name + "'");
			}
		}
	}

}
