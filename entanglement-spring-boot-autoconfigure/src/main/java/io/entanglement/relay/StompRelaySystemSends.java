package io.entanglement.relay;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Sends the server's own messages to the broker over the relay's shared system
 * connection. A reply or an owner request is addressed to a session, which may be
 * connected to another instance: the relay would look for that session's broker
 * connection here, find none and drop the message. Once its user destination is resolved
 * the session is named in the destination, so the session header can go.
 *
 * @author Entanglement
 */
public final class StompRelaySystemSends implements ChannelInterceptor {

	private final String userDestinationPrefix;

	/**
	 * Create the interceptor for the broker channel.
	 * @param userDestinationPrefix the prefix of user destinations, still to be resolved
	 */
	public StompRelaySystemSends(String userDestinationPrefix) {
		this.userDestinationPrefix = userDestinationPrefix;
	}

	@Override
	public @Nullable Message<?> preSend(Message<?> message, MessageChannel channel) {
		SimpMessageType type = SimpMessageHeaderAccessor.getMessageType(message.getHeaders());
		String destination = SimpMessageHeaderAccessor.getDestination(message.getHeaders());
		if (type != SimpMessageType.MESSAGE || destination == null || destination.startsWith(this.userDestinationPrefix)
				|| SimpMessageHeaderAccessor.getSessionId(message.getHeaders()) == null) {
			return message;
		}
		SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.wrap(message);
		headers.setSessionId(null);
		headers.setHeader(SimpMessageHeaderAccessor.SESSION_ATTRIBUTES, null);
		return MessageBuilder.createMessage(message.getPayload(), headers.getMessageHeaders());
	}

}
