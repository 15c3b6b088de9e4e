package io.entanglement.stomp;

import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.NativeMessageHeaderAccessor;

/**
 * Reads what a client asks for on CONNECT into the session's attributes, before any
 * SUBSCRIBE of the session is handled:
 * <ul>
 * <li>a byte budget ({@value StompSubscriptionHandler#MAX_BYTES_PER_SECOND_HEADER}): the
 * session's outbox takes the lower of it and the node's cap; a value that is not a
 * positive integer is ignored;</li>
 * <li>batches as binary WebSocket messages
 * ({@value StompSubscriptionHandler#BINARY_FRAMES_HEADER}{@code :true}), which the server
 * writes from the encodings shared by all recipients; other clients get text messages,
 * which every STOMP client reads.</li>
 * </ul>
 *
 * @author Entanglement
 */
public final class StompConnectOptions implements ChannelInterceptor {

	private static final Log logger = LogFactory.getLog(StompConnectOptions.class);

	@Override
	public Message<?> preSend(Message<?> message, MessageChannel channel) {
		MessageHeaders headers = message.getHeaders();
		if (SimpMessageHeaderAccessor.getMessageType(headers) != SimpMessageType.CONNECT) {
			return message;
		}
		Map<String, Object> attributes = SimpMessageHeaderAccessor.getSessionAttributes(headers);
		if (attributes == null) {
			return message;
		}
		if ("true".equals(nativeHeader(headers, StompSubscriptionHandler.BINARY_FRAMES_HEADER))) {
			attributes.put(StompSubscriptionHandler.BINARY_FRAMES_ATTRIBUTE, Boolean.TRUE);
		}
		String rate = nativeHeader(headers, StompSubscriptionHandler.MAX_BYTES_PER_SECOND_HEADER);
		if (rate == null) {
			return message;
		}
		if (rate.matches("[1-9][0-9]{0,17}")) {
			attributes.put(StompSubscriptionHandler.MAX_BYTES_PER_SECOND_ATTRIBUTE, Long.parseLong(rate));
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Ignored an invalid " + StompSubscriptionHandler.MAX_BYTES_PER_SECOND_HEADER
					+ " header on session " + SimpMessageHeaderAccessor.getSessionId(headers));
		}
		return message;
	}

	private static @Nullable String nativeHeader(MessageHeaders headers, String name) {
		Object nativeHeaders = headers.get(NativeMessageHeaderAccessor.NATIVE_HEADERS);
		if (nativeHeaders instanceof Map<?, ?> map && map.get(name) instanceof List<?> values && !values.isEmpty()) {
			return String.valueOf(values.get(0));
		}
		return null;
	}

}
