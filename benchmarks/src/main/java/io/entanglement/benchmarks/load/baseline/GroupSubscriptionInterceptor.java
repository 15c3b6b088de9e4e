package io.entanglement.benchmarks.load.baseline;

import java.security.Principal;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * The baseline's access control for group topics, as a Spring user writes it: a
 * {@code SUBSCRIBE} to {@code /topic/group/{g}} needs the authority {@code GROUP_g} and
 * the clearance for the groups' label ({@code ROLE_USER}, cleared for
 * {@code CONFIDENTIAL}). It is checked once, when the session subscribes; what is sent to
 * the topic afterwards is not checked again (a revoked member keeps receiving until it
 * unsubscribes).
 *
 * @author Entanglement
 */
public class GroupSubscriptionInterceptor implements ChannelInterceptor {

	private static final String PREFIX = "/topic/group/";

	@Override
	public @Nullable Message<?> preSend(Message<?> message, MessageChannel channel) {
		StompHeaderAccessor accessor = MessageHeaderAccessor.getAccessor(message, StompHeaderAccessor.class);
		if (accessor == null || accessor.getCommand() != StompCommand.SUBSCRIBE) {
			return message;
		}
		String destination = accessor.getDestination();
		if (destination == null || !destination.startsWith(PREFIX)) {
			return message;
		}
		String group = "GROUP_" + destination.substring(PREFIX.length());
		Principal user = accessor.getUser();
		if (!(user instanceof Authentication authentication) || !has(authentication, group)
				|| !has(authentication, "ROLE_USER")) {
			throw new AccessDeniedException("Not a member of " + destination);
		}
		return message;
	}

	private static boolean has(Authentication authentication, String authority) {
		for (GrantedAuthority granted : authentication.getAuthorities()) {
			if (authority.equals(granted.getAuthority())) {
				return true;
			}
		}
		return false;
	}

}
