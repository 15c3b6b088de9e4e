package com.example.meetup.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the simulator that keeps demo people moving.
 *
 * @author Entanglement
 */
@ConfigurationProperties("meetup.simulator")
public class SimulatorProperties {

	/**
	 * Whether to move the simulated people around.
	 */
	private boolean enabled = true;

	/**
	 * Time between two moves.
	 */
	private Duration interval = Duration.ofMillis(250);

	/**
	 * Names of the people the simulator moves. Leave someone out to move them yourself.
	 */
	private List<String> people = new ArrayList<>(List.of("bob", "carol", "dave", "erin"));

	/**
	 * Walking speed, in meters per second.
	 */
	private double speed = 4;

	/**
	 * How far from the meeting point people may wander, in meters.
	 */
	private double radius = 500;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getInterval() {
		return this.interval;
	}

	public void setInterval(Duration interval) {
		this.interval = interval;
	}

	public List<String> getPeople() {
		return this.people;
	}

	public void setPeople(List<String> people) {
		this.people = people;
	}

	public double getSpeed() {
		return this.speed;
	}

	public void setSpeed(double speed) {
		this.speed = speed;
	}

	public double getRadius() {
		return this.radius;
	}

	public void setRadius(double radius) {
		this.radius = radius;
	}

}
