package com.example.meetup.simulator;

import com.example.meetup.group.GroupMembers;
import com.example.meetup.location.LocationRepository;
import com.example.meetup.meetingpoint.MeetingPointRepository;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.simp.user.SimpUserRegistry;
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
	LocationSimulator locationSimulator(LocationRepository locations, MeetingPointRepository meetingPoints,
			GroupMembers members, SimpUserRegistry users, TransactionOperations transactions,
			SimulatorProperties properties) {
		return new LocationSimulator(locations, meetingPoints, members, users, transactions, properties);
	}

}
