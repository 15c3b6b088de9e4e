package com.example.meetup.demo;

import java.util.List;

import com.example.meetup.chat.ChatMessage;
import com.example.meetup.chat.ChatMessageRepository;
import com.example.meetup.group.Group;
import com.example.meetup.group.GroupRepository;
import com.example.meetup.group.Memberships;
import com.example.meetup.location.Location;
import com.example.meetup.location.LocationRepository;
import com.example.meetup.location.Position;
import com.example.meetup.meetingpoint.MeetingPoint;
import com.example.meetup.meetingpoint.MeetingPointRepository;
import com.example.meetup.security.DemoUsers;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Sets the demo up when the app starts: three groups with their meeting points, a
 * location for every demo user and a few chat messages, then the access that membership
 * gives. Whatever exists already is kept.
 *
 * <pre>
 * hikers    alice (organizer), bob
 * climbers  carol (organizer), dave
 * ops       erin (organizer), frank    labelled SECRET: only erin, staff, is cleared
 * </pre>
 *
 * mallory is in no group.
 *
 * @author Entanglement
 */
@Component
public class DemoData implements ApplicationRunner {

	/**
	 * The middle of the demo's map: Alexanderplatz, Berlin.
	 */
	public static final Position CITY_CENTER = new Position(52.5219, 13.4132);

	private static final List<DemoGroup> GROUPS = List.of(
			new DemoGroup("hikers", "Hikers", "alice", List.of("bob"), null, 380, 320,
					List.of(new Said("alice", "Picnic at the meeting point at six?"),
							new Said("bob", "I'll bring the blanket!"))),
			new DemoGroup("climbers", "Climbers", "carol", List.of("dave"), null, 420, 100,
					List.of(new Said("carol", "Bouldering first, dinner after?"), new Said("dave", "Deal."))),
			new DemoGroup("ops", "Ops", "erin", List.of("frank"), "SECRET", 420, 210,
					List.of(new Said("erin", "Status check at the meeting point, 18:00."))));

	private static final double START_DISTANCE = 250;

	private static final Log logger = LogFactory.getLog(DemoData.class);

	private final GroupRepository groups;

	private final MeetingPointRepository meetingPoints;

	private final LocationRepository locations;

	private final ChatMessageRepository messages;

	private final Memberships memberships;

	private final TransactionOperations transactions;

	DemoData(GroupRepository groups, MeetingPointRepository meetingPoints, LocationRepository locations,
			ChatMessageRepository messages, Memberships memberships, TransactionOperations transactions) {
		this.groups = groups;
		this.meetingPoints = meetingPoints;
		this.locations = locations;
		this.messages = messages;
		this.memberships = memberships;
		this.transactions = transactions;
	}

	@Override
	public void run(ApplicationArguments args) {
		seed();
	}

	/**
	 * Create what is missing of the demo, and share it as membership says.
	 */
	public void seed() {
		this.transactions.executeWithoutResult((status) -> {
			GROUPS.forEach(this::seed);
			placeEveryoneElse();
		});
		this.memberships.shareAll();
	}

	private void seed(DemoGroup demo) {
		if (this.groups.existsById(demo.id())) {
			return;
		}
		Group group = this.groups
			.save(new Group(demo.id(), demo.name(), demo.organizer(), demo.members(), demo.label()));
		Position meetingPoint = CITY_CENTER.offset(demo.distance(), demo.bearing());
		this.meetingPoints.save(new MeetingPoint(group, meetingPoint));
		List<String> people = group.getMembers();
		for (int i = 0; i < people.size(); i++) {
			// Spread around the meeting point, facing it.
			double bearing = demo.bearing() + 180 + 90 * (i - (people.size() - 1) / 2.0);
			place(people.get(i), meetingPoint.offset(START_DISTANCE, bearing), (bearing + 180) % 360);
		}
		demo.chat().forEach((said) -> this.messages.save(new ChatMessage(said.author(), group, said.text())));
	}

	private void placeEveryoneElse() {
		for (String person : DemoUsers.NAMES) {
			place(person, CITY_CENTER.offset(60, 20), 200);
		}
	}

	private void place(String person, Position position, double heading) {
		if (this.locations.findByPerson(person).isEmpty()) {
			this.locations.save(new Location(person, position, heading));
			logger.info(String.format("Placed %s at %.5f, %.5f", person, position.lat(), position.lng()));
		}
	}

	/**
	 * A group of the demo, whose meeting point is {@code distance} meters from the city
	 * center in the direction {@code bearing}, and what was said in it.
	 */
	private record DemoGroup(String id, String name, String organizer, List<String> members, @Nullable String label,
			double distance, double bearing, List<Said> chat) {
	}

	private record Said(String author, String text) {
	}

}
