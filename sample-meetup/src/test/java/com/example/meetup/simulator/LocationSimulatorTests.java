package com.example.meetup.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.example.meetup.location.DemoLocations;
import com.example.meetup.location.Location;
import com.example.meetup.location.LocationRepository;
import com.example.meetup.location.Position;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.transaction.support.TransactionOperations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link LocationSimulator} and {@link SimulatorConfiguration}.
 *
 * @author Entanglement
 */
class LocationSimulatorTests {

	private final LocationRepository locations = mock();

	private final SimulatorProperties properties = new SimulatorProperties();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(SimulatorConfiguration.class)
		.withBean(LocationRepository.class, () -> this.locations)
		.withBean(TransactionOperations.class, TransactionOperations::withoutTransaction);

	@Test
	void tickMovesEverySimulatedPersonOneStep() {
		this.properties.setInterval(Duration.ofMillis(500));
		this.properties.setSpeed(4);
		Position start = DemoLocations.MEETING_POINT.offset(100, 0);
		Location bob = new Location("bob", start, 90, Instant.EPOCH);
		Location carol = new Location("carol", start, 180, Instant.EPOCH);
		given(this.locations.findByPersonIn(this.properties.getPeople())).willReturn(List.of(bob, carol));
		simulator().tick();
		for (Location location : List.of(bob, carol)) {
			assertThat(start.distanceTo(location.getPosition())).isCloseTo(2, within(0.001));
			assertThat(location.getUpdatedAt()).isAfter(Instant.EPOCH);
		}
		then(this.locations).should().findByPersonIn(List.of("bob", "carol", "dave", "erin"));
	}

	@Test
	void tickTurnsBackWhoeverStrayedBeyondTheRadius() {
		this.properties.setRadius(500);
		Position farNorth = DemoLocations.MEETING_POINT.offset(600, 0);
		Location erin = new Location("erin", farNorth, 0, Instant.EPOCH);
		given(this.locations.findByPersonIn(this.properties.getPeople())).willReturn(List.of(erin));
		simulator().tick();
		assertThat(erin.getHeading()).isBetween(160.0, 200.0);
		assertThat(erin.getPosition().distanceTo(DemoLocations.MEETING_POINT)).isLessThan(600);
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
		return new LocationSimulator(this.locations, TransactionOperations.withoutTransaction(), this.properties);
	}

}
