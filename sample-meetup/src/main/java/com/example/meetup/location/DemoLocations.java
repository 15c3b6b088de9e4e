package com.example.meetup.location;

import java.time.Instant;
import java.util.List;

import com.example.meetup.security.DemoUsers;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Gives every demo user a location around the meeting point when the app starts, unless
 * they already have one.
 *
 * @author Entanglement
 */
@Component
public class DemoLocations implements ApplicationRunner {

	/**
	 * Where the demo people meet: Alexanderplatz, Berlin.
	 */
	public static final Position MEETING_POINT = new Position(52.5219, 13.4132);

	private static final double START_DISTANCE = 300;

	private static final Log logger = LogFactory.getLog(DemoLocations.class);

	private final LocationRepository locations;

	DemoLocations(LocationRepository locations) {
		this.locations = locations;
	}

	@Override
	public void run(ApplicationArguments args) {
		seed();
	}

	/**
	 * Place each demo user without a location on a circle around the meeting point,
	 * facing it.
	 */
	@Transactional
	public void seed() {
		List<String> people = DemoUsers.NAMES;
		Instant now = Instant.now();
		for (int i = 0; i < people.size(); i++) {
			String person = people.get(i);
			if (!this.locations.existsByPerson(person)) {
				double bearing = 360.0 * i / people.size();
				Position start = MEETING_POINT.offset(START_DISTANCE, bearing);
				this.locations.save(new Location(person, start, (bearing + 180) % 360, now));
				logger.info(String.format("Placed %s at %.5f, %.5f", person, start.lat(), start.lng()));
			}
		}
	}

}
