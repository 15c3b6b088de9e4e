package com.example.meetup.simulator;

import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import com.example.meetup.demo.DemoData;
import com.example.meetup.group.GroupMembers;
import com.example.meetup.location.Location;
import com.example.meetup.location.LocationRepository;
import com.example.meetup.location.Position;
import com.example.meetup.meetingpoint.MeetingPoint;
import com.example.meetup.meetingpoint.MeetingPointRepository;

import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Moves everyone who is not online a step at every tick, in one transaction per tick, so
 * that the map is alive at once. People walk to the meeting point of their group and
 * stroll around it; when it moves, they follow. People in no group stroll around the city
 * center. Whoever is connected moves themselves.
 *
 * @author Entanglement
 */
public class LocationSimulator implements SchedulingConfigurer {

	private static final double MAX_TURN = 20;

	private final LocationRepository locations;

	private final MeetingPointRepository meetingPoints;

	private final GroupMembers members;

	private final SimpUserRegistry users;

	private final TransactionOperations transactions;

	private final SimulatorProperties properties;

	private final Random random = new Random();

	public LocationSimulator(LocationRepository locations, MeetingPointRepository meetingPoints, GroupMembers members,
			SimpUserRegistry users, TransactionOperations transactions, SimulatorProperties properties) {
		this.locations = locations;
		this.meetingPoints = meetingPoints;
		this.members = members;
		this.users = users;
		this.transactions = transactions;
		this.properties = properties;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedRateTask(this::tick, this.properties.getInterval());
	}

	/**
	 * Move everyone who is not online one step.
	 */
	public void tick() {
		double step = this.properties.getSpeed() * this.properties.getInterval().toMillis() / 1000.0;
		this.transactions.executeWithoutResult((status) -> {
			Map<String, Position> meetingPoints = this.meetingPoints.findAll()
				.stream()
				.collect(Collectors.toMap(MeetingPoint::getId, MeetingPoint::getPosition));
			for (Location location : this.locations.findAll()) {
				if (this.users.getUser(location.getPerson()) == null) {
					walk(location, destinationOf(location.getPerson(), meetingPoints), step);
				}
			}
		});
	}

	private Position destinationOf(String person, Map<String, Position> meetingPoints) {
		return this.members.groupsOf(person)
			.stream()
			.map(meetingPoints::get)
			.filter((position) -> position != null)
			.findFirst()
			.orElse(DemoData.CITY_CENTER);
	}

	private void walk(Location location, Position destination, double step) {
		Position here = location.getPosition();
		boolean far = here.distanceTo(destination) > this.properties.getRadius();
		double heading = far ? here.bearingTo(destination) : location.getHeading();
		heading = normalize(heading + this.random.nextDouble(-MAX_TURN, MAX_TURN));
		location.moveTo(here.offset(far ? step : step / 2, heading), heading);
	}

	private static double normalize(double degrees) {
		return ((degrees % 360) + 360) % 360;
	}

}
