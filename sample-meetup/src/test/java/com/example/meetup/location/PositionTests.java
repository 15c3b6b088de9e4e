package com.example.meetup.location;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link Position}.
 *
 * @author Entanglement
 */
class PositionTests {

	private final Position start = new Position(52.5219, 13.4132);

	@Test
	void offsetMovesTheGivenDistanceInTheGivenDirection() {
		for (double bearing = 0; bearing < 360; bearing += 45) {
			Position moved = this.start.offset(250, bearing);
			assertThat(this.start.distanceTo(moved)).isCloseTo(250, within(0.01));
			assertThat(this.start.bearingTo(moved)).isCloseTo(bearing, within(0.01));
		}
	}

	@Test
	void northIsZeroDegreesAndEastIsNinety() {
		assertThat(this.start.offset(100, 0).lat()).isGreaterThan(this.start.lat());
		assertThat(this.start.offset(100, 0).lng()).isCloseTo(this.start.lng(), within(1e-12));
		assertThat(this.start.offset(100, 90).lng()).isGreaterThan(this.start.lng());
		assertThat(this.start.offset(100, 90).lat()).isCloseTo(this.start.lat(), within(1e-12));
	}

}
