package io.entanglement.stomp;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;

import io.entanglement.ProposalReply;
import io.entanglement.SyncChange;
import io.entanglement.SyncException;
import org.jspecify.annotations.Nullable;

import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageSendingOperations;
import org.springframework.messaging.simp.SimpMessageType;

/**
 * Sends replies to one session on {@code /user/queue/entanglement/replies}, whatever its
 * principal, and never to the principal's other sessions.
 *
 * @author Entanglement
 */
public final class StompReplies {

	/** Where clients receive replies, relative to their user prefix. */
	public static final String REPLIES = "/queue/entanglement/replies";

	private final SimpMessageSendingOperations messaging;

	/**
	 * Create a reply sender.
	 * @param messaging the broker template
	 */
	public StompReplies(SimpMessageSendingOperations messaging) {
		this.messaging = messaging;
	}

	/**
	 * Tell a session a frame to a destination was refused.
	 * @param sessionId the session
	 * @param user its principal, if any
	 * @param destination the refused destination
	 * @param subscriptionId the refused subscription's id, if it had one
	 * @param ex why
	 */
	public void destinationRefused(String sessionId, @Nullable Principal user, String destination,
			@Nullable String subscriptionId, SyncException ex) {
		Map<String, Object> reply = new LinkedHashMap<>();
		reply.put("destination", destination);
		putIfPresent(reply, "subscription", subscriptionId);
		reply.put("status", "rejected");
		reply.put("code", ex.getCode());
		reply.put("message", ex.getMessage());
		send(sessionId, user, reply);
	}

	/**
	 * Send the reply to a proposal (or to an owner's answer) to the one session that made
	 * it.
	 * @param sessionId the session
	 * @param user its principal, if any
	 * @param reply the reply
	 */
	public void reply(String sessionId, @Nullable Principal user, ProposalReply reply) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("requestId", reply.requestId());
		body.put("status", reply.status());
		putIfPresent(body, "id", reply.id());
		putIfPresent(body, "version", reply.version());
		putIfPresent(body, "code", reply.code());
		putIfPresent(body, "message", reply.message());
		putIfPresent(body, "result", reply.result());
		SyncChange current = reply.current();
		if (current != null) {
			Map<String, Object> state = new LinkedHashMap<>();
			state.put("op", current.op().wireName());
			state.put("id", current.key().id());
			putIfPresent(state, "owner", current.owner());
			state.put("version", current.version());
			state.put("state", current.state());
			body.put("current", state);
		}
		send(sessionId, user, body);
	}

	/**
	 * Tell a session its message was refused before it could be correlated with a
	 * request.
	 * @param sessionId the session
	 * @param user its principal, if any
	 * @param requestId the request id, if one could be read
	 * @param ex why
	 */
	public void rejected(String sessionId, @Nullable Principal user, @Nullable String requestId, SyncException ex) {
		Map<String, Object> body = new LinkedHashMap<>();
		putIfPresent(body, "requestId", requestId);
		body.put("status", "rejected");
		body.put("code", ex.getCode());
		body.put("message", ex.getMessage());
		send(sessionId, user, body);
	}

	/**
	 * Tell a session its transition was refused or ended without being committed.
	 * @param sessionId the session
	 * @param user its principal, if any
	 * @param type the type name
	 * @param id the object id
	 * @param transition the transition id
	 * @param ex why: {@code transition-broken} when it ended, another code when refused
	 * @param reason for an ended transition, how it ended ({@code broken} or
	 * {@code expired})
	 */
	public void transitionRejected(String sessionId, @Nullable Principal user, String type, @Nullable String id,
			@Nullable String transition, SyncException ex, @Nullable String reason) {
		Map<String, Object> body = new LinkedHashMap<>();
		putIfPresent(body, "transition", transition);
		body.put("type", type);
		putIfPresent(body, "id", id);
		body.put("status", "rejected");
		body.put("code", ex.getCode());
		putIfPresent(body, "reason", reason);
		body.put("message", ex.getMessage());
		send(sessionId, user, body);
	}

	private static void putIfPresent(Map<String, Object> map, String key, @Nullable Object value) {
		if (value != null) {
			map.put(key, value);
		}
	}

	private void send(String sessionId, @Nullable Principal user, Object payload) {
		SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(SimpMessageType.MESSAGE);
		headers.setSessionId(sessionId);
		headers.setLeaveMutable(true);
		// Without a principal, the session id is the user name Spring resolves /user/
		// with.
		String userName = (user != null) ? user.getName() : sessionId;
		this.messaging.convertAndSendToUser(userName, REPLIES, payload, headers.getMessageHeaders());
	}

}
