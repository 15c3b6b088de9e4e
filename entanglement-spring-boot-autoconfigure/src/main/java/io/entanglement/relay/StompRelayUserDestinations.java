package io.entanglement.relay;

import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;
import org.springframework.messaging.simp.user.UserDestinationResolver;
import org.springframework.messaging.simp.user.UserDestinationResult;

/**
 * Names the broker destinations behind user destinations so every STOMP broker accepts
 * them: {@code /user/queue/entanglement/replies} of session {@code s1} becomes
 * {@code /queue/entanglement.replies-users1} on the broker. RabbitMQ refuses a
 * {@code /queue/} name with a further slash; clients still see the destination they
 * subscribed to, which Spring restores from a header.
 *
 * @author Entanglement
 */
public final class StompRelayUserDestinations implements UserDestinationResolver {

	private static final String[] PREFIXES = { "/queue/", "/topic/" };

	private final UserDestinationResolver delegate;

	/**
	 * Wrap Spring's resolver.
	 * @param delegate the resolver that finds the sessions of a user destination
	 */
	public StompRelayUserDestinations(UserDestinationResolver delegate) {
		this.delegate = delegate;
	}

	@Override
	public @Nullable UserDestinationResult resolveDestination(Message<?> message) {
		UserDestinationResult result = this.delegate.resolveDestination(message);
		if (result == null) {
			return null;
		}
		Set<String> targets = new LinkedHashSet<>();
		for (String target : result.getTargetDestinations()) {
			targets.add(brokerName(target));
		}
		return new UserDestinationResult(result.getSourceDestination(), targets, result.getSubscribeDestination(),
				result.getUser(), result.getSessionIds());
	}

	/**
	 * The broker's name for a destination: slashes after the {@code /queue/} or
	 * {@code /topic/} prefix become dots.
	 * @param destination the destination
	 * @return the name every broker accepts
	 */
	static String brokerName(String destination) {
		for (String prefix : PREFIXES) {
			if (destination.startsWith(prefix)) {
				return prefix + destination.substring(prefix.length()).replace('/', '.');
			}
		}
		return destination;
	}

}
