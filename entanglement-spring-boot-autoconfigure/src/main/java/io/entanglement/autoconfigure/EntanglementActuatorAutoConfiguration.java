package io.entanglement.autoconfigure;

import io.entanglement.engine.ChangeLog;
import io.entanglement.engine.SyncManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Operations support, where the application has it on its classpath: Micrometer meters of
 * the engine's work, a health indicator, and an Actuator endpoint listing sessions and
 * their queues.
 *
 * @author Entanglement
 */
@AutoConfiguration(after = EntanglementAutoConfiguration.class)
@ConditionalOnBean(SyncManager.class)
public final class EntanglementActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "entanglementMeters")
		MeterBinder entanglementMeters(SyncManager syncManager) {
			return new EntanglementMeters(syncManager);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "entanglementHealthIndicator")
		HealthIndicator entanglementHealthIndicator(SyncManager syncManager, ChangeLog changeLog,
				ObjectProvider<ClusterState> cluster) {
			return new EntanglementHealthIndicator(syncManager, changeLog, cluster::getIfAvailable);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		EntanglementEndpoint entanglementEndpoint(SyncManager syncManager, EntanglementProperties properties,
				ObjectProvider<ClusterState> cluster) {
			return new EntanglementEndpoint(syncManager, properties.getNodeId(), cluster::getIfAvailable);
		}

	}

}
