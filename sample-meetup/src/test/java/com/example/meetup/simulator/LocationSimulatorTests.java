package com.example.meetup.simulator;

import java.time.Duration;
import java.util.List;

import com.example.meetup.demo.DemoData;
import com.example.meetup.group.Group;
import com.example.meetup.group.GroupMembers;
import com.example.meetup.location.Location;
import com.example.meetup.location.LocationRepository;
import com.example.meetup.location.Position;
import com.example.meetup.meetingpoint.MeetingPoint;
import com.example.meetup.meetingpoint.MeetingPointRepository;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.messaging.simp.user.SimpUser;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.transaction.support.TransactionOperations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link LocationSimulator} and {@link SimulatorConfiguration}.
 *
 * @author Entanglement
 */
class LocationSimulatorTests {

	private final LocationRepository locations = mock();

	private final MeetingPointRepository meetingPoints = mock();

	private final GroupMembers members = mock();

	private final SimpUserRegistry users = mock();

	private final SimulatorProperties properties = new SimulatorProperties();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(SimulatorConfiguration.class)
		.withBean(LocationRepository.class, () -> this.locations)
		.withBean(MeetingPointRepository.class, () -> this.meetingPoints)
		.withBean(GroupMembers.class, () -> this.members)
		.withBean(SimpUserRegistry.class, () -> this.users)
		.withBean(TransactionOperations.class, TransactionOperations::withoutTransaction);

	@Test
	void tickMovesEveryoneWhoIsNotOnlineOneStep() {
		this.properties.setInterval(Duration.ofMillis(500));
		this.properties.setSpeed(4);
		Position start = DemoData.CITY_CENTER.offset(300, 0);
		Location bob = new Location("bob", start, 180);
		Location carol = new Location("carol", start, 180);
		given(this.locations.findAll()).willReturn(List.of(bob, carol));
		simulator().tick();
		for (Location location : List.of(bob, carol)) {
			assertThat(start.distanceTo(location.getPosition())).isCloseTo(2, within(0.001));
		}
	}

	@Test
	void tickLeavesWhoeverIsOnlineWhereTheyAre() {
		Position start = DemoData.CITY_CENTER.offset(300, 0);
		Location alice = new Location("alice", start, 180);
		given(this.locations.findAll()).willReturn(List.of(alice));
		given(this.users.getUser("alice")).willReturn(mock(SimpUser.class));
		simulator().tick();
		assertThat(alice.getPosition()).isEqualTo(start);
	}

	@Test
	void tickTurnsWhoeverIsFarFromTheirDestinationTowardIt() {
		this.properties.setRadius(100);
		Position farNorth = DemoData.CITY_CENTER.offset(600, 0);
		Location mallory = new Location("mallory", farNorth, 0);
		given(this.locations.findAll()).willReturn(List.of(mallory));
		simulator().tick();
		assertThat(mallory.getHeading()).isBetween(160.0, 200.0);
		assertThat(mallory.getPosition().distanceTo(DemoData.CITY_CENTER)).isLessThan(600);
	}

	@Test
	void tickTakesEveryoneTowardTheirGroupsMeetingPoint() {
		Position meetHere = DemoData.CITY_CENTER.offset(500, 90);
		Group hikers = new Group("hikers", "Hikers", "alice", List.of("bob"), null);
		given(this.meetingPoints.findAll()).willReturn(List.of(new MeetingPoint(hikers, meetHere)));
		given(this.members.groupsOf("bob")).willReturn(List.of("hikers"));
		Location bob = new Location("bob", DemoData.CITY_CENTER, 270);
		given(this.locations.findAll()).willReturn(List.of(bob));
		simulator().tick();
		assertThat(bob.getHeading()).isBetween(70.0, 110.0);
		assertThat(bob.getPosition().distanceTo(meetHere)).isLessThan(500);
	}

	@Test
	void simulatorRunsByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(LocationSimulator.class);
			assertThat(context.getBean(SimulatorProperties.class).getInterval()).isEqualTo(Duration.ofMillis(250));
		});
	}

	@Test
	void simulatorCanBeSwitchedOff() {
		this.contextRunner.withPropertyValues("meetup.simulator.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LocationSimulator.class));
	}

	private LocationSimulator simulator() {
		return new LocationSimulator(this.locations, this.meetingPoints, this.members, this.users,
				TransactionOperations.withoutTransaction(), this.properties);
	}

}
