package com.example.meetup.simulator;

import java.time.Instant;
import java.util.Random;

import com.example.meetup.location.DemoLocations;
import com.example.meetup.location.Location;
import com.example.meetup.location.LocationRepository;
import com.example.meetup.location.Position;

import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Moves the simulated people a step at every tick, in one transaction per tick, so that
 * subscribers see live changes. People wander at random and turn back toward the meeting
 * point when they stray too far.
 *
 * @author Entanglement
 */
public class LocationSimulator implements SchedulingConfigurer {

	private static final double MAX_TURN = 20;

	private final LocationRepository locations;

	private final TransactionOperations transactions;

	private final SimulatorProperties properties;

	private final Random random = new Random();

	public LocationSimulator(LocationRepository locations, TransactionOperations transactions,
			SimulatorProperties properties) {
		this.locations = locations;
		this.transactions = transactions;
		this.properties = properties;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedRateTask(this::tick, this.properties.getInterval());
	}

	/**
	 * Move every simulated person one step.
	 */
	public void tick() {
		double step = this.properties.getSpeed() * this.properties.getInterval().toMillis() / 1000.0;
		this.transactions.executeWithoutResult((status) -> {
			Instant now = Instant.now();
			for (Location location : this.locations.findByPersonIn(this.properties.getPeople())) {
				Position here = location.getPosition();
				double heading = (here.distanceTo(DemoLocations.MEETING_POINT) > this.properties.getRadius())
						? here.bearingTo(DemoLocations.MEETING_POINT) : location.getHeading();
				heading = normalize(heading + this.random.nextDouble(-MAX_TURN, MAX_TURN));
				location.moveTo(here.offset(step, heading), heading, now);
			}
		});
	}

	private static double normalize(double degrees) {
		return ((degrees % 360) + 360) % 360;
	}

}
