package io.entanglement.security;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.security.messaging.web.csrf.XorCsrfChannelInterceptor;

/**
 * Requires the CSRF token on STOMP CONNECT, as Spring Security's
 * {@link XorCsrfChannelInterceptor} checks it, for sessions whose handshake was
 * authenticated by a cookie; handshakes that carried an {@code Authorization} header are
 * exempt.
 *
 * @author Entanglement
 */
public final class CookieSessionCsrfChannelInterceptor implements ChannelInterceptor {

	private final ChannelInterceptor csrf = new XorCsrfChannelInterceptor();

	@Override
	public @Nullable Message<?> preSend(Message<?> message, MessageChannel channel) {
		if (SimpMessageHeaderAccessor.getMessageType(message.getHeaders()) != SimpMessageType.CONNECT) {
			return message;
		}
		Map<String, Object> attributes = SimpMessageHeaderAccessor.getSessionAttributes(message.getHeaders());
		if (attributes != null
				&& attributes.containsKey(HandshakeCredentialsInterceptor.AUTHORIZATION_HEADER_HANDSHAKE)) {
			return message;
		}
		return this.csrf.preSend(message, channel);
	}

}
