package io.entanglement.stomp;

import java.security.Principal;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.entanglement.ForbiddenException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.NativeMessageHeaderAccessor;

/**
 * An allow-list for what clients may send: SUBSCRIBE only to {@code /entanglement/{type}}
 * and to their own {@code /user/queue/entanglement/replies} and {@code requests}, SEND
 * only to Entanglement's {@code /app/entanglement/...} destinations. Destinations are
 * matched exactly as written, the way routing reads them, so no encoded, doubled-slash,
 * trailing-slash or wildcard variant slips through; {@code selector} headers are refused
 * and never evaluated. A second CONNECT on a session is dropped, so it can never change
 * the session's identity.
 * <p>
 * A refused frame is dropped and the session is told on its replies queue; the connection
 * stays usable.
 *
 * @author Entanglement
 */
public final class StompDestinationGuard implements ChannelInterceptor {

	private static final Pattern SUBSCRIBE = Pattern.compile("/entanglement/[A-Za-z0-9_-]{1,100}");

	private static final Set<String> USER_QUEUES = Set.of("/user" + StompReplies.REPLIES,
			"/user" + StompOwnerChannel.REQUESTS);

	private static final Pattern SEND = Pattern.compile(
			"/app/entanglement/(?:[A-Za-z0-9_-]{1,100}/(?:propose|owner|transition)|requests/[A-Za-z0-9_-]{1,100})");

	private static final String CONNECTED = StompDestinationGuard.class.getName() + ".CONNECTED";

	private static final Log logger = LogFactory.getLog(StompDestinationGuard.class);

	private final ObjectProvider<StompReplies> replies;

	/**
	 * Create a guard.
	 * @param replies where refusals go, resolved when the first one is sent
	 */
	public StompDestinationGuard(ObjectProvider<StompReplies> replies) {
		this.replies = replies;
	}

	@Override
	public @Nullable Message<?> preSend(Message<?> message, MessageChannel channel) {
		MessageHeaders headers = message.getHeaders();
		SimpMessageType type = SimpMessageHeaderAccessor.getMessageType(headers);
		if (type == null) {
			return message;
		}
		return switch (type) {
			case CONNECT -> connect(message);
			case SUBSCRIBE -> subscribe(message);
			case MESSAGE -> send(message);
			default -> message;
		};
	}

	private @Nullable Message<?> connect(Message<?> message) {
		Map<String, Object> attributes = SimpMessageHeaderAccessor.getSessionAttributes(message.getHeaders());
		if (attributes == null) {
			return message;
		}
		if (attributes.putIfAbsent(CONNECTED, Boolean.TRUE) != null) {
			logger.debug("Dropped a second CONNECT on session "
					+ SimpMessageHeaderAccessor.getSessionId(message.getHeaders()));
			return null;
		}
		return message;
	}

	private @Nullable Message<?> subscribe(Message<?> message) {
		String destination = SimpMessageHeaderAccessor.getDestination(message.getHeaders());
		if (destination == null || !(SUBSCRIBE.matcher(destination).matches() || USER_QUEUES.contains(destination))) {
			return refuse(message, destination, "Subscribing to this destination is not allowed");
		}
		if (hasNativeHeader(message, "selector")) {
			return refuse(message, destination, "The 'selector' header is not supported");
		}
		return message;
	}

	private @Nullable Message<?> send(Message<?> message) {
		String destination = SimpMessageHeaderAccessor.getDestination(message.getHeaders());
		if (destination == null || !SEND.matcher(destination).matches()) {
			return refuse(message, destination, "Sending to this destination is not allowed");
		}
		return message;
	}

	private @Nullable Message<?> refuse(Message<?> message, @Nullable String destination, String reason) {
		MessageHeaders headers = message.getHeaders();
		String sessionId = SimpMessageHeaderAccessor.getSessionId(headers);
		Principal user = SimpMessageHeaderAccessor.getUser(headers);
		if (sessionId != null) {
			this.replies.getObject()
				.destinationRefused(sessionId, user, (destination != null) ? destination : "",
						SimpMessageHeaderAccessor.getSubscriptionId(headers), new ForbiddenException(reason));
		}
		return null;
	}

	private static boolean hasNativeHeader(Message<?> message, String name) {
		Object nativeHeaders = message.getHeaders().get(NativeMessageHeaderAccessor.NATIVE_HEADERS);
		return nativeHeaders instanceof Map<?, ?> map && map.containsKey(name);
	}

}
