package io.entanglement.stomp;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;

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
	 * Tell a session its subscription was refused.
	 * @param sessionId the session
	 * @param user its principal, if any
	 * @param destination the refused destination
	 * @param ex why
	 */
	public void subscriptionRejected(String sessionId, @Nullable Principal user, String destination, SyncException ex) {
		Map<String, Object> reply = new LinkedHashMap<>();
		reply.put("destination", destination);
		reply.put("status", "rejected");
		reply.put("code", ex.getCode());
		reply.put("message", ex.getMessage());
		send(sessionId, user, reply);
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
