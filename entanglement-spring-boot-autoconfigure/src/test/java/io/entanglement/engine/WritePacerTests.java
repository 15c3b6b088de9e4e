package io.entanglement.engine;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WritePacer}.
 *
 * @author Entanglement
 */
class WritePacerTests {

	private static final long PERIOD = Duration.ofMillis(100).toNanos();

	@Test
	void belowTheRateNoSessionWaits() {
		WritePacer pacer = new WritePacer(1_000, Duration.ofMillis(50).toNanos());
		pacer.asked(100);
		wrote(pacer, 100);
		pacer.tick();
		assertThat(pacer.delayNanos()).isZero();
	}

	@Test
	void aboveTheRateEachSessionIsSpacedSoTheWholeStaysAtTheRate() {
		WritePacer pacer = new WritePacer(1_000, Duration.ofMillis(500).toNanos());
		// 1,000 sessions each asked 10 times in a period of 500 ms: 20,000 writes/s.
		pacer.asked(10_000);
		wrote(pacer, 1_000);
		pacer.tick();
		assertThat(pacer.delayNanos()).isEqualTo(Duration.ofSeconds(1).toNanos() / 2);
	}

	@Test
	void theSpacingNeverExceedsTheLongestDelay() {
		WritePacer pacer = new WritePacer(1_000, Duration.ofMillis(50).toNanos());
		pacer.asked(1_000_000);
		wrote(pacer, 10_000);
		pacer.tick();
		assertThat(pacer.delayNanos()).isEqualTo(Duration.ofMillis(50).toNanos());
	}

	@Test
	void aSessionWrittenToSeveralTimesInAPeriodCountsOnce() {
		WritePacer pacer = new WritePacer(100, Duration.ofMillis(50).toNanos());
		SessionOutbox outbox = outbox();
		pacer.asked(1_000);
		pacer.wrote(outbox);
		pacer.wrote(outbox);
		pacer.tick();
		assertThat(pacer.delayNanos()).isEqualTo(Duration.ofSeconds(1).toNanos() / 100);
		// The next period counts it again.
		pacer.asked(1_000);
		pacer.wrote(outbox);
		wrote(pacer, 1);
		pacer.tick();
		assertThat(pacer.delayNanos()).isEqualTo(Duration.ofSeconds(1).toNanos() * 2 / 100);
	}

	@Test
	void theSpacingEndsWhenTheSessionsAskForLessAgain() {
		WritePacer pacer = new WritePacer(1_000, Duration.ofMillis(50).toNanos());
		pacer.asked(1_000);
		wrote(pacer, 10);
		pacer.tick();
		assertThat(pacer.delayNanos()).isPositive();
		pacer.asked(99);
		wrote(pacer, 10);
		pacer.tick();
		assertThat(pacer.delayNanos()).isZero();
	}

	@Test
	void aZeroRateOrDelayDisablesIt() {
		assertThat(new WritePacer(0, PERIOD).enabled()).isFalse();
		assertThat(new WritePacer(1_000, 0).enabled()).isFalse();
		assertThat(new WritePacer(1_000, PERIOD).enabled()).isTrue();
	}

	private static void wrote(WritePacer pacer, int sessions) {
		for (int i = 0; i < sessions; i++) {
			pacer.wrote(outbox());
		}
	}

	private static SessionOutbox outbox() {
		return new SessionOutbox(null, null, null, 0);
	}

}
