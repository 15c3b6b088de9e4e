package io.entanglement.autoconfigure;

import io.entanglement.engine.SyncManager;
import io.entanglement.stomp.StompDestinationGuard;
import io.entanglement.stomp.StompOwnerChannel;
import io.entanglement.stomp.StompProposalHandler;
import io.entanglement.stomp.StompReplies;
import io.entanglement.stomp.StompSessionRegistry;
import io.entanglement.stomp.StompSubscriptionHandler;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.simp.SimpMessageSendingOperations;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.web.socket.config.annotation.DelegatingWebSocketMessageBrokerConfiguration;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;

/**
 * Auto-configuration of the STOMP over WebSocket endpoint that serves subscriptions.
 *
 * @author Entanglement
 */
@AutoConfiguration(after = { EntanglementAutoConfiguration.class, EntanglementJpaAutoConfiguration.class },
		afterName = "org.springframework.boot.websocket.autoconfigure.servlet.WebSocketMessagingAutoConfiguration")
@ConditionalOnBooleanProperty(name = "entanglement.enabled", matchIfMissing = true)
@ConditionalOnClass({ WebSocketMessageBrokerConfigurer.class, SimpMessageSendingOperations.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(SyncManager.class)
public final class EntanglementStompAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	StompSessionRegistry stompSessionRegistry(EntanglementProperties properties) {
		return new StompSessionRegistry(properties.getStomp().getSendBufferSizeLimit().toBytes());
	}

	@Bean
	WebSocketMessageBrokerConfigurer entanglementStompConfigurer(EntanglementProperties properties,
			StompSessionRegistry sessions, ObjectProvider<StompReplies> replies) {
		ChannelInterceptor guard = properties.getStomp().isRestrictDestinations() ? new StompDestinationGuard(replies)
				: null;
		return new EntanglementStompConfigurer(properties.getStomp(), sessions, guard);
	}

	@Bean
	@ConditionalOnMissingBean
	StompReplies stompReplies(SimpMessageSendingOperations messaging) {
		return new StompReplies(messaging);
	}

	@Bean
	@ConditionalOnMissingBean
	StompSubscriptionHandler stompSubscriptionHandler(
			@Qualifier("clientInboundChannel") SubscribableChannel clientInboundChannel, SyncManager syncManager,
			StompSessionRegistry sessions, StompReplies replies) {
		return new StompSubscriptionHandler(clientInboundChannel, syncManager, sessions, replies);
	}

	@Bean
	@ConditionalOnMissingBean
	StompProposalHandler stompProposalHandler(
			@Qualifier("clientInboundChannel") SubscribableChannel clientInboundChannel, SyncManager syncManager,
			StompReplies replies) {
		return new StompProposalHandler(clientInboundChannel, syncManager, replies);
	}

	@Bean
	@ConditionalOnMissingBean
	StompOwnerChannel stompOwnerChannel(SimpUserRegistry userRegistry, SimpMessageSendingOperations messaging,
			SyncManager syncManager) {
		StompOwnerChannel channel = new StompOwnerChannel(userRegistry, messaging);
		syncManager.owners(channel);
		return channel;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(DelegatingWebSocketMessageBrokerConfiguration.class)
	@EnableWebSocketMessageBroker
	static class MessageBrokerConfiguration {

	}

	/**
	 * Registers the endpoint and the broker destinations Entanglement's clients use.
	 */
	static final class EntanglementStompConfigurer implements WebSocketMessageBrokerConfigurer {

		private final EntanglementProperties.Stomp stomp;

		private final StompSessionRegistry sessions;

		private final @Nullable ChannelInterceptor guard;

		EntanglementStompConfigurer(EntanglementProperties.Stomp stomp, StompSessionRegistry sessions,
				@Nullable ChannelInterceptor guard) {
			this.stomp = stomp;
			this.sessions = sessions;
			this.guard = guard;
		}

		@Override
		public void configureClientInboundChannel(ChannelRegistration registration) {
			if (this.guard != null) {
				registration.interceptors(this.guard);
			}
		}

		@Override
		public void registerStompEndpoints(StompEndpointRegistry registry) {
			var endpoint = registry.addEndpoint(this.stomp.getEndpoint());
			if (this.stomp.getAllowedOriginPatterns().length > 0) {
				endpoint.setAllowedOriginPatterns(this.stomp.getAllowedOriginPatterns());
			}
			// SUBSCRIBE, UNSUBSCRIBE and SEND of one session are handled in the order
			// sent.
			registry.setPreserveReceiveOrder(true);
		}

		@Override
		public void configureMessageBroker(MessageBrokerRegistry registry) {
			registry.setApplicationDestinationPrefixes("/app");
			registry.setUserDestinationPrefix("/user");
			registry.enableSimpleBroker("/queue", "/topic");
		}

		@Override
		public void configureWebSocketTransport(WebSocketTransportRegistration registration) {
			registration.setMessageSizeLimit((int) this.stomp.getMaxMessageSize().toBytes());
			registration.addDecoratorFactory(this.sessions);
		}

	}

}
