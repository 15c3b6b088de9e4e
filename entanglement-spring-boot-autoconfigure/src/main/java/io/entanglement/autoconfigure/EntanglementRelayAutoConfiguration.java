package io.entanglement.autoconfigure;

import java.security.Principal;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.entanglement.ObjectKey;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.entanglement.engine.SyncManager;
import io.entanglement.relay.StompRelayCluster;
import io.entanglement.relay.StompRelayUserDestinations;
import io.entanglement.security.AclObjectIdentities;
import io.entanglement.security.AclSyncPolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.simp.SimpMessageSendingOperations;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.stomp.StompBrokerRelayMessageHandler;
import org.springframework.messaging.simp.user.UserDestinationResolver;
import org.springframework.messaging.simp.user.UserRegistryMessageHandler;
import org.springframework.security.acls.model.AclCache;
import org.springframework.security.acls.model.ObjectIdentity;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Auto-configuration of scale-out ({@code entanglement.relay.enabled}): the instances
 * that share the broker tell each other what they commit over the broker relay's system
 * connection, and take owners' answers to the instance holding the proposal.
 *
 * @author Entanglement
 */
@AutoConfiguration(after = { EntanglementStompAutoConfiguration.class, EntanglementAclAutoConfiguration.class })
@ConditionalOnBooleanProperty("entanglement.relay.enabled")
@ConditionalOnClass(StompBrokerRelayMessageHandler.class)
@ConditionalOnBean({ SyncManager.class, SimpMessagingTemplate.class })
public final class EntanglementRelayAutoConfiguration {

	private static final Duration DEFAULT_USER_REGISTRY_EXPIRATION = new EntanglementProperties.Relay()
		.getUserRegistryExpiration();

	@Bean
	@ConditionalOnMissingBean
	StompRelayCluster entanglementRelayCluster(SyncManager syncManager,
			@Qualifier("brokerMessagingTemplate") SimpMessageSendingOperations brokerMessagingTemplate,
			EntanglementProperties properties, ObjectProvider<ClusterPrincipals> principals) {
		EntanglementProperties.Relay relay = properties.getRelay();
		String instanceId = (relay.getInstanceId() != null) ? relay.getInstanceId()
				: UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		ClusterPrincipals clusterPrincipals = principals.getIfAvailable(() -> ClusterPrincipals.NAMES_ONLY);
		StompRelayCluster cluster = new StompRelayCluster(syncManager, brokerMessagingTemplate, instanceId,
				properties.getProposals().getTimeout(), clusterPrincipals.principals(),
				clusterPrincipals.authorities());
		syncManager.cluster(instanceId, cluster, relay.getResyncInterval());
		return cluster;
	}

	@Bean
	ClusterState entanglementClusterState(StompRelayCluster cluster, SyncManager syncManager) {
		return new ClusterState() {

			@Override
			public boolean isBrokerAvailable() {
				return cluster.isBrokerAvailable();
			}

			@Override
			public Map<String, Object> details() {
				Map<String, Object> details = new LinkedHashMap<>();
				details.put("instanceId", cluster.instanceId());
				details.put("broker", cluster.isBrokerAvailable() ? "available" : "unavailable");
				details.put("noticesSent", cluster.noticesSent());
				details.put("noticesReceived", cluster.noticesReceived());
				details.put("noticesFailed", cluster.noticesFailed());
				details.put("resyncs", syncManager.metrics().resyncs());
				return details;
			}

		};
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class ClusterMetersConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "entanglementClusterMeters")
		MeterBinder entanglementClusterMeters(StompRelayCluster cluster, SyncManager syncManager) {
			return (registry) -> {
				FunctionCounter.builder("entanglement.cluster.notices.sent", cluster, StompRelayCluster::noticesSent)
					.description("Notices this instance published to the other instances")
					.register(registry);
				FunctionCounter
					.builder("entanglement.cluster.notices.received", cluster, StompRelayCluster::noticesReceived)
					.description("Notices of other instances this instance received")
					.register(registry);
				FunctionCounter
					.builder("entanglement.cluster.notices.failed", cluster, StompRelayCluster::noticesFailed)
					.description("Notices that could not be published while the broker was unavailable")
					.register(registry);
				FunctionCounter
					.builder("entanglement.cluster.resyncs", syncManager, (manager) -> manager.metrics().resyncs())
					.description("Gaps in the commits heard from other instances filled from the change log")
					.register(registry);
				Gauge
					.builder("entanglement.cluster.broker.available", cluster,
							(link) -> link.isBrokerAvailable() ? 1 : 0)
					.description("1 while the broker relay's system connection is up, 0 otherwise")
					.register(registry);
			};
		}

	}

	/**
	 * Adds the cluster's topics to the subscriptions of the relay's shared system
	 * connection (next to Spring's user registry and user destination broadcasts), names
	 * user destinations so every broker accepts them, and sets how often the instances
	 * share their connected users.
	 */
	@Bean
	static BeanPostProcessor entanglementRelayPostProcessor(ObjectProvider<StompRelayCluster> cluster,
			Environment environment) {
		Duration expiration = Binder.get(environment)
			.bind("entanglement.relay.user-registry-expiration", Duration.class)
			.orElse(DEFAULT_USER_REGISTRY_EXPIRATION);
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof UserDestinationResolver resolver && !(bean instanceof StompRelayUserDestinations)) {
					return new StompRelayUserDestinations(resolver);
				}
				if (bean instanceof UserRegistryMessageHandler users) {
					users.setRegistryExpirationPeriod(expiration.toMillis());
				}
				if (bean instanceof StompBrokerRelayMessageHandler relay) {
					Map<String, MessageHandler> subscriptions = new HashMap<>();
					Map<String, MessageHandler> existing = relay.getSystemSubscriptions();
					if (existing != null) {
						subscriptions.putAll(existing);
					}
					subscriptions.putAll(cluster.getObject().systemSubscriptions());
					relay.setSystemSubscriptions(subscriptions);
				}
				return bean;
			}

		};
	}

	/**
	 * An answering owner's principal, rebuilt on the instance that holds the proposal.
	 *
	 * @param principals rebuilds a principal from its name and authorities
	 * @param authorities the authorities of a principal
	 */
	record ClusterPrincipals(BiFunction<String, List<String>, Principal> principals,
			Function<@Nullable Principal, List<String>> authorities) {

		static final ClusterPrincipals NAMES_ONLY = new ClusterPrincipals((name, authorities) -> () -> name,
				(principal) -> List.of());

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Authentication.class)
	static class SecurityPrincipalsConfiguration {

		@Bean
		ClusterPrincipals entanglementClusterPrincipals() {
			return new ClusterPrincipals(
					(name, authorities) -> UsernamePasswordAuthenticationToken.authenticated(name, null,
							authorities.stream().map(SimpleGrantedAuthority::new).toList()),
					(principal) -> (principal instanceof Authentication authentication)
							? authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList()
							: List.of());
		}

	}

	/**
	 * Access changed on another instance: what this instance caches about the objects'
	 * access control lists is evicted.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ AclSyncPolicy.class, AclCache.class })
	@ConditionalOnBean(AclSyncPolicy.class)
	static class AclInvalidationConfiguration {

		AclInvalidationConfiguration(SyncManager syncManager, AclSyncPolicy policy, AclObjectIdentities identities,
				ObjectProvider<AclCache> aclCache) {
			syncManager.accessInvalidation((keys) -> {
				AclCache cache = aclCache.getIfAvailable();
				if (keys == null) {
					if (cache != null) {
						cache.clearCache();
					}
					policy.invalidateAll();
					return;
				}
				for (ObjectKey key : keys) {
					ObjectIdentity objectIdentity = identities.of(key.type(), key.id());
					if (objectIdentity != null) {
						if (cache != null) {
							cache.evictFromCache(objectIdentity);
						}
						policy.invalidate(objectIdentity);
					}
				}
			});
		}

	}

}
