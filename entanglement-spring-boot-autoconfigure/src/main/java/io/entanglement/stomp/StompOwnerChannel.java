package io.entanglement.stomp;

import java.util.LinkedHashMap;
import java.util.Map;

import io.entanglement.engine.OwnerChannel;
import io.entanglement.engine.OwnerRequest;

import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageSendingOperations;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.user.SimpSession;
import org.springframework.messaging.simp.user.SimpSubscription;
import org.springframework.messaging.simp.user.SimpUser;
import org.springframework.messaging.simp.user.SimpUserRegistry;

/**
 * Forwards proposals to a user owner's sessions on
 * {@code /user/queue/entanglement/requests}.
 *
 * @author Entanglement
 */
public final class StompOwnerChannel implements OwnerChannel {

	/** Where owners receive forwarded proposals, relative to their user prefix. */
	public static final String REQUESTS = "/queue/entanglement/requests";

	private final SimpUserRegistry users;

	private final SimpMessageSendingOperations messaging;

	/**
	 * Create a channel.
	 * @param users the registry of connected users
	 * @param messaging the broker template
	 */
	public StompOwnerChannel(SimpUserRegistry users, SimpMessageSendingOperations messaging) {
		this.users = users;
		this.messaging = messaging;
	}

	/**
	 * Whether the user has a session that listens for requests: a session without a
	 * subscription to the requests queue could never answer.
	 */
	@Override
	public boolean isConnected(String user) {
		SimpUser simpUser = this.users.getUser(user);
		if (simpUser == null) {
			return false;
		}
		for (SimpSession session : simpUser.getSessions()) {
			if (listens(session)) {
				return true;
			}
		}
		return false;
	}

	private static boolean listens(SimpSession session) {
		for (SimpSubscription subscription : session.getSubscriptions()) {
			String destination = subscription.getDestination();
			if (destination != null && destination.endsWith(REQUESTS)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public void send(String user, OwnerRequest request) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("requestId", request.requestId());
		body.put("type", request.type());
		body.put("id", request.id());
		if (request.from() != null) {
			body.put("from", request.from());
		}
		if (request.baseVersion() != null) {
			body.put("baseVersion", request.baseVersion());
		}
		body.put("state", request.state());
		if (request.delete()) {
			body.put("delete", true);
		}
		SimpUser simpUser = this.users.getUser(user);
		if (simpUser == null) {
			return;
		}
		// One message per session: each is addressed like a reply, to exactly that
		// session.
		for (SimpSession session : simpUser.getSessions()) {
			if (!listens(session)) {
				continue;
			}
			SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(SimpMessageType.MESSAGE);
			headers.setSessionId(session.getId());
			headers.setLeaveMutable(true);
			this.messaging.convertAndSendToUser(user, REQUESTS, body, headers.getMessageHeaders());
		}
	}

}
