package io.entanglement.benchmarks.load.baseline;

import java.util.Map;

import io.entanglement.benchmarks.load.BenchController;
import io.entanglement.benchmarks.load.Committer;
import io.entanglement.benchmarks.load.LoadSecurityConfiguration;
import io.entanglement.benchmarks.load.LoadServers;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;

/**
 * The load harness's baseline: plain Spring STOMP on the simple broker, endpoint
 * {@code /baseline}, markers on {@code /topic/marker}, group markers on
 * {@code /topic/group/{g}} (P6), drags rebroadcast from {@code /app/drag} to
 * {@code /topic/drag} (P8); Entanglement is switched off.
 *
 * @author Entanglement
 */
@SpringBootApplication
@Import({ LoadSecurityConfiguration.class, BenchController.class, DragController.class })
public class BaselineLoadServer {

	@Bean
	Committer<Marker> committer(MarkerRepository markers, TransactionTemplate transactions) {
		return new Committer<>(markers, Marker::new, transactions);
	}

	/**
	 * The committer of group markers (P6), marker {@code i} belonging to group
	 * {@code i % bench.groups}; who may subscribe to a group's topic is checked by
	 * {@link GroupSubscriptionInterceptor}, nothing is granted per marker.
	 * @param groupMarkers the group markers
	 * @param transactions the transactions
	 * @param groups how many groups
	 * @return the committer
	 */
	@Bean
	Committer<GroupMarker> groupCommitter(GroupMarkerRepository groupMarkers, TransactionTemplate transactions,
			@Value("${bench.groups}") int groups) {
		return new Committer<>("group", groupMarkers, (id) -> new GroupMarker(id, groups), transactions, (from, to) -> {
		});
	}

	@Bean
	ApplicationRunner seed(Committer<Marker> committer, @Value("${bench.objects}") int objects) {
		return (args) -> {
			committer.seed(objects);
			committer.ready();
		};
	}

	public static void main(String[] args) {
		LoadServers.run(BaselineLoadServer.class, Map.of("entanglement.enabled", "false"), args);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebSocketMessageBroker
	static class StompConfiguration implements WebSocketMessageBrokerConfigurer {

		@Override
		public void registerStompEndpoints(StompEndpointRegistry registry) {
			registry.addEndpoint("/baseline");
		}

		@Override
		public void configureClientInboundChannel(ChannelRegistration registration) {
			registration.interceptors(new GroupSubscriptionInterceptor());
		}

		@Override
		public void configureMessageBroker(MessageBrokerRegistry registry) {
			registry.enableSimpleBroker("/topic");
			registry.setApplicationDestinationPrefixes("/app");
		}

	}

}
