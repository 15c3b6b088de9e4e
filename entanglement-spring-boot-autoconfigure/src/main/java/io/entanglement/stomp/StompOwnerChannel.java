package io.entanglement.stomp;

import java.util.LinkedHashMap;
import java.util.Map;

import io.entanglement.engine.OwnerChannel;
import io.entanglement.engine.OwnerRequest;

import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageSendingOperations;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.user.SimpSession;
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

	@Override
	public boolean isConnected(String user) {
		SimpUser simpUser = this.users.getUser(user);
		return simpUser != null && simpUser.hasSessions();
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
			SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(SimpMessageType.MESSAGE);
			headers.setSessionId(session.getId());
			headers.setLeaveMutable(true);
			this.messaging.convertAndSendToUser(user, REQUESTS, body, headers.getMessageHeaders());
		}
	}

}
