package io.entanglement.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.entanglement.SyncException;
import io.entanglement.engine.SyncManager;
import io.entanglement.relay.StompRelaySystemSends;
import io.entanglement.security.CookieSessionCsrfChannelInterceptor;
import io.entanglement.security.CsrfTokenEndpoint;
import io.entanglement.security.HandshakeCredentialsInterceptor;
import io.entanglement.stomp.StompContainerBuffers;
import io.entanglement.stomp.StompDestinationGuard;
import io.entanglement.stomp.StompHandshakeHandler;
import io.entanglement.stomp.StompConnectOptions;
import io.entanglement.stomp.StompOwnerChannel;
import io.entanglement.stomp.StompProposalHandler;
import io.entanglement.stomp.StompReplies;
import io.entanglement.stomp.StompSessionRegistry;
import io.entanglement.stomp.StompSubscriptionHandler;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.ServletListenerRegistrationBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.simp.SimpMessageSendingOperations;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.messaging.simp.config.StompBrokerRelayRegistration;
import org.springframework.web.socket.config.annotation.DelegatingWebSocketMessageBrokerConfiguration;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.security.messaging.web.csrf.XorCsrfChannelInterceptor;
import org.springframework.security.messaging.web.socket.server.CsrfTokenHandshakeInterceptor;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.util.ClassUtils;

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
		return new StompSessionRegistry(properties.getStomp().getSendBufferSizeLimit().toBytes(),
				properties.getStomp().isBinaryFrames());
	}

	/**
	 * On shutdown, sessions are closed with 'service restart' first, so clients reconnect
	 * (to another instance, if there is one) and catch up there.
	 */
	@Bean
	SmartLifecycle entanglementSessionsShutdown(StompSessionRegistry sessions) {
		return new SmartLifecycle() {

			private volatile boolean running;

			@Override
			public void start() {
				this.running = true;
			}

			@Override
			public void stop() {
				this.running = false;
				sessions.closeAll();
			}

			@Override
			public boolean isRunning() {
				return this.running;
			}

			@Override
			public int getPhase() {
				// Stopped before the message broker and the web server.
				return Integer.MAX_VALUE;
			}

		};
	}

	@Bean
	WebSocketMessageBrokerConfigurer entanglementStompConfigurer(EntanglementProperties properties,
			StompSessionRegistry sessions, ObjectProvider<StompReplies> replies,
			ObjectProvider<StompSecurity> security) {
		List<ChannelInterceptor> inbound = new ArrayList<>();
		List<HandshakeInterceptor> handshake = new ArrayList<>();
		security.ifAvailable((stompSecurity) -> {
			inbound.add(stompSecurity.connect());
			handshake.addAll(stompSecurity.handshake());
		});
		if (properties.getStomp().isRestrictDestinations()) {
			inbound.add(new StompDestinationGuard(replies));
		}
		inbound.add(new StompConnectOptions());
		if (properties.getRelay().isEnabled() && !ClassUtils.isPresent("reactor.netty.tcp.TcpClient", null)) {
			throw new RelayClientMissingException();
		}
		return new EntanglementStompConfigurer(properties.getStomp(), properties.getRelay(), sessions, inbound,
				handshake);
	}

	/**
	 * Smaller per-connection inbound buffers on a JSR-356 container, so an idle session
	 * costs little memory.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "jakarta.websocket.server.ServerContainer")
	static class ContainerBuffersConfiguration {

		/** Inbound WebSocket buffer size per connection. */
		private static final int INBOUND_BUFFER_SIZE = 1024;

		@Bean
		ServletListenerRegistrationBean<StompContainerBuffers> entanglementContainerBuffers() {
			return new ServletListenerRegistrationBean<>(new StompContainerBuffers(INBOUND_BUFFER_SIZE));
		}

	}

	/**
	 * On Tomcat, the completion of a STOMP write the socket took at once runs on the
	 * thread that wrote it, instead of waking one of Tomcat's pooled threads.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory",
			"org.apache.tomcat.util.threads.ThreadPoolExecutor", "jakarta.websocket.server.ServerContainer" })
	@ConditionalOnBooleanProperty(name = "entanglement.stomp.inline-write-completions", matchIfMissing = true)
	static class TomcatWriteCompletionsConfiguration {

		@Bean
		WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> entanglementTomcatWriteCompletions() {
			return (factory) -> factory.addConnectorCustomizers(new TomcatWriteCompletions());
		}

	}

	/**
	 * What Spring Security adds to the endpoint: CSRF on CONNECT for cookie-authenticated
	 * sessions, and the token endpoint.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ XorCsrfChannelInterceptor.class, CsrfToken.class, RouterFunction.class })
	static class StompSecurityConfiguration {

		@Bean
		StompSecurity entanglementStompSecurity() {
			return new StompSecurity(new CookieSessionCsrfChannelInterceptor(),
					List.of(new HandshakeCredentialsInterceptor(new CsrfTokenHandshakeInterceptor())));
		}

		@Bean
		RouterFunction<ServerResponse> entanglementCsrfEndpoint(EntanglementProperties properties) {
			return RouterFunctions.route()
				.GET(properties.getStomp().getEndpoint() + "/csrf", new CsrfTokenEndpoint())
				.build();
		}

	}

	/**
	 * Interceptors that secure the endpoint.
	 *
	 * @param connect checks CONNECT frames
	 * @param handshake run on the WebSocket handshake
	 */
	record StompSecurity(ChannelInterceptor connect, List<HandshakeInterceptor> handshake) {
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
		syncManager.notices((initiator, key, transition, reason) -> replies.transitionRejected(initiator.sessionId(),
				initiator.principal(), key.type(), key.id(), transition,
				new SyncException("transition-broken", "The transition ended: " + reason), reason));
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

		/** Where unresolved user destinations are broadcast to the other instances. */
		static final String USER_DESTINATION_BROADCAST = "/topic/entanglement.unresolved-user";

		/** Where the instances share their connected users. */
		static final String USER_REGISTRY_BROADCAST = "/topic/entanglement.user-registry";

		private final EntanglementProperties.Stomp stomp;

		private final EntanglementProperties.Relay relay;

		private final StompSessionRegistry sessions;

		private final List<ChannelInterceptor> inbound;

		private final List<HandshakeInterceptor> handshake;

		EntanglementStompConfigurer(EntanglementProperties.Stomp stomp, EntanglementProperties.Relay relay,
				StompSessionRegistry sessions, List<ChannelInterceptor> inbound, List<HandshakeInterceptor> handshake) {
			this.stomp = stomp;
			this.relay = relay;
			this.sessions = sessions;
			this.inbound = inbound;
			this.handshake = handshake;
		}

		@Override
		public void configureClientInboundChannel(ChannelRegistration registration) {
			registration.interceptors(this.inbound.toArray(ChannelInterceptor[]::new));
		}

		@Override
		public void registerStompEndpoints(StompEndpointRegistry registry) {
			var endpoint = registry.addEndpoint(this.stomp.getEndpoint())
				.setHandshakeHandler(new StompHandshakeHandler(this.stomp.isCompression()))
				.addInterceptors(this.handshake.toArray(HandshakeInterceptor[]::new));
			if (this.stomp.getAllowedOriginPatterns().length > 0) {
				endpoint.setAllowedOriginPatterns(this.stomp.getAllowedOriginPatterns());
			}
			// SUBSCRIBE, UNSUBSCRIBE and SEND of one session are handled in the order
			// sent.
			registry.setPreserveReceiveOrder(true);
			// The endpoint's path is the endpoint's, before any controller's: a page
			// fallback mapped to /** would otherwise answer the handshake. Every
			// handshake is also spared matching all the application's mappings first.
			registry.setOrder(Ordered.HIGHEST_PRECEDENCE);
		}

		@Override
		public void configureMessageBroker(MessageBrokerRegistry registry) {
			registry.setApplicationDestinationPrefixes("/app");
			registry.setUserDestinationPrefix("/user");
			if (!this.relay.isEnabled()) {
				registry.enableSimpleBroker("/queue", "/topic");
				return;
			}
			// User destinations and the user registry are shared through the broker, so a
			// reply or an owner request reaches a session connected to another instance.
			StompBrokerRelayRegistration broker = registry.enableStompBrokerRelay("/queue", "/topic")
				.setRelayHost(this.relay.getHost())
				.setRelayPort(this.relay.getPort())
				.setClientLogin(this.relay.getClientLogin())
				.setClientPasscode(this.relay.getClientPasscode())
				.setSystemLogin(this.relay.getSystemLogin())
				.setSystemPasscode(this.relay.getSystemPasscode())
				.setSystemHeartbeatSendInterval(this.relay.getSystemHeartbeatSendInterval().toMillis())
				.setSystemHeartbeatReceiveInterval(this.relay.getSystemHeartbeatReceiveInterval().toMillis())
				.setUserDestinationBroadcast(USER_DESTINATION_BROADCAST)
				.setUserRegistryBroadcast(USER_REGISTRY_BROADCAST);
			if (this.relay.getVirtualHost() != null) {
				broker.setVirtualHost(this.relay.getVirtualHost());
			}
			registry.configureBrokerChannel().interceptors(new StompRelaySystemSends("/user/"));
		}

		@Override
		public void configureWebSocketTransport(WebSocketTransportRegistration registration) {
			registration.setMessageSizeLimit((int) this.stomp.getMaxMessageSize().toBytes());
			registration.addDecoratorFactory(this.sessions);
		}

	}

}
