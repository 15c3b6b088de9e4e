package com.example.meetup.simulator;

import com.example.meetup.location.LocationRepository;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Runs the {@link LocationSimulator} unless {@code meetup.simulator.enabled} is
 * {@code false}.
 *
 * @author Entanglement
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "meetup.simulator.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SimulatorProperties.class)
@EnableScheduling
class SimulatorConfiguration {

	@Bean
	LocationSimulator locationSimulator(LocationRepository locations, TransactionOperations transactions,
			SimulatorProperties properties) {
		return new LocationSimulator(locations, transactions, properties);
	}

}
