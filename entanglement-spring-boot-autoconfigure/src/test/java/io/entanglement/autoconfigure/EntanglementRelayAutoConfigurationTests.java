package io.entanglement.autoconfigure;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import io.entanglement.engine.SyncManager;
import io.entanglement.relay.StompRelayCluster;
import io.entanglement.relay.StompRelayUserDestinations;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.broker.BrokerAvailabilityEvent;
import org.springframework.messaging.simp.broker.SimpleBrokerMessageHandler;
import org.springframework.messaging.simp.stomp.StompBrokerRelayMessageHandler;
import org.springframework.messaging.simp.user.MultiServerUserRegistry;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.messaging.simp.user.UserDestinationResolver;
import org.springframework.messaging.simp.user.UserRegistryMessageHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EntanglementRelayAutoConfiguration} and the broker choice of
 * {@link EntanglementStompAutoConfiguration}.
 *
 * @author Entanglement
 */
class EntanglementRelayAutoConfigurationTests {

	/** A port nothing listens on: the relay keeps trying in the background. */
	private static final int CLOSED_PORT = closedPort();

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
				EntanglementAutoConfiguration.class, EntanglementStompAutoConfiguration.class,
				EntanglementRelayAutoConfiguration.class, EntanglementActuatorAutoConfiguration.class))
		.withPropertyValues("entanglement.relay.port=" + CLOSED_PORT);

	@Test
	void spring_sSimpleBrokerServesASingleInstanceByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(SimpleBrokerMessageHandler.class)
				.doesNotHaveBean(StompRelayCluster.class)
				.doesNotHaveBean(ClusterState.class);
			assertThat(context.getBean(SimpUserRegistry.class)).isNotInstanceOf(MultiServerUserRegistry.class);
		});
	}

	@Test
	void relayEnabledRelaysToTheBrokerAndSharesUsersAndCommitsThroughIt() {
		this.contextRunner
			.withPropertyValues("entanglement.relay.enabled=true", "entanglement.relay.instance-id=one",
					"entanglement.relay.virtual-host=/", "entanglement.relay.user-registry-expiration=4s")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(StompRelayCluster.class)
					.doesNotHaveBean(SimpleBrokerMessageHandler.class);
				StompBrokerRelayMessageHandler relay = context.getBean(StompBrokerRelayMessageHandler.class);
				assertThat(relay.getRelayPort()).isEqualTo(CLOSED_PORT);
				assertThat(relay.getVirtualHost()).isEqualTo("/");
				assertThat(relay.getSystemSubscriptions()).containsKeys(StompRelayCluster.CLUSTER_TOPIC,
						StompRelayCluster.INSTANCE_TOPIC_PREFIX + "one", "/topic/entanglement.user-registry",
						"/topic/entanglement.unresolved-user");
				assertThat(context.getBean(SimpUserRegistry.class)).isInstanceOf(MultiServerUserRegistry.class);
				assertThat(context.getBean(UserDestinationResolver.class))
					.isInstanceOf(StompRelayUserDestinations.class);
				assertThat(context.getBean(UserRegistryMessageHandler.class).getRegistryExpirationPeriod())
					.isEqualTo(4000);
				assertThat(context.getBean(SyncManager.class).instanceId()).isEqualTo("one");
			});
	}

	@Test
	void healthIsOutOfServiceWhileTheBrokerIsUnavailable() {
		this.contextRunner.withPropertyValues("entanglement.relay.enabled=true", "entanglement.relay.instance-id=two")
			.run((context) -> {
				HealthIndicator health = context.getBean("entanglementHealthIndicator", HealthIndicator.class);
				Health down = health.health(true);
				assertThat(down.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
				assertThat(down.getDetails()).extractingByKey("cluster")
					.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
					.containsEntry("instanceId", "two")
					.containsEntry("broker", "unavailable");
				context.getBean(StompRelayCluster.class)
					.onApplicationEvent(
							new BrokerAvailabilityEvent(true, context.getBean(SimpMessagingTemplate.class)));
				assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
				EntanglementEndpoint.Report report = context.getBean(EntanglementEndpoint.class).report();
				assertThat(report.cluster()).containsEntry("broker", "available");
			});
	}

	@Test
	void relayEnabledWithoutReactorNettyFailsWithAnExplanation() {
		this.contextRunner.withPropertyValues("entanglement.relay.enabled=true")
			.withClassLoader(new FilteredClassLoader("reactor.netty"))
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				while (failure != null && !(failure instanceof RelayClientMissingException)) {
					failure = failure.getCause();
				}
				assertThat(failure).isInstanceOf(RelayClientMissingException.class);
				FailureAnalysis analysis = new RelayClientMissingFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("entanglement.relay.enabled");
				assertThat(analysis.getAction()).contains("spring-boot-starter-reactor-netty");
			});
	}

	@Test
	void backsOffOutsideAWebApplicationWithoutABroker() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
					EntanglementAutoConfiguration.class, EntanglementStompAutoConfiguration.class,
					EntanglementRelayAutoConfiguration.class))
			.withPropertyValues("entanglement.relay.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(SyncManager.class)
				.doesNotHaveBean(StompRelayCluster.class));
	}

	@Test
	void relayPropertiesHaveSaneDefaults() {
		EntanglementProperties.Relay relay = new EntanglementProperties().getRelay();
		assertThat(relay.isEnabled()).isFalse();
		assertThat(Map.of("host", relay.getHost(), "port", relay.getPort())).containsEntry("host", "127.0.0.1")
			.containsEntry("port", 61613);
		assertThat(relay.getInstanceId()).isNull();
		assertThat(relay.getResyncInterval()).isPositive();
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
