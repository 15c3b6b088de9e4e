package com.example.meetup.simulator;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the simulator that keeps the people who are not online moving.
 *
 * @author Entanglement
 */
@ConfigurationProperties("meetup.simulator")
public class SimulatorProperties {

	/**
	 * Whether to move the people who are not online.
	 */
	private boolean enabled = true;

	/**
	 * Time between two moves.
	 */
	private Duration interval = Duration.ofMillis(250);

	/**
	 * Walking speed, in meters per second.
	 */
	private double speed = 4;

	/**
	 * How far from their meeting point people stroll, in meters.
	 */
	private double radius = 80;

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
