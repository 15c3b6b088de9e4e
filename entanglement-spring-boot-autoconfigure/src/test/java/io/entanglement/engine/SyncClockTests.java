package io.entanglement.engine;

import java.util.List;
import java.util.Map;

import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SyncClock}.
 *
 * @author Entanglement
 */
class SyncClockTests {

	@Test
	void onItsOwnAnInstanceMovesTheWatermarkToEveryNumberItFansOut() {
		SyncClock clock = new SyncClock(new MemoryChangeLog());
		clock.advance(3);
		assertThat(clock.watermark()).isEqualTo(3);
	}

	@Test
	void firstReadOfTheWatermarkStaysBelowANumberCommittedButNotYetFannedOut() {
		MemoryChangeLog log = new MemoryChangeLog();
		SyncClock clock = new SyncClock(log);
		log.record(log.next(), List.of(SyncChange.upsert(new ObjectKey("marker", "m1"), "node", 1, Map.of())),
				new AuthenticatedViewersPolicy());
		long second = log.next();
		CommitTicket open = clock.begin(second);
		log.record(second, List.of(SyncChange.upsert(new ObjectKey("marker", "m2"), "node", 1, Map.of())),
				new AuthenticatedViewersPolicy());
		// The log holds 2, but 2 has not been fanned out: a token for 2 would vouch for
		// a change its holder may not have been sent.
		assertThat(log.currentSeq()).isEqualTo(2);
		assertThat(clock.watermark()).isEqualTo(1);
		clock.advance(open.seq());
		assertThat(clock.watermark()).isEqualTo(2);
	}

	@Test
	void sharingTheSequenceTheWatermarkNeverPassesANumberNotYetFannedOutHere() {
		SyncClock clock = new SyncClock(new MemoryChangeLog());
		clock.share();
		// 2 and 3 were committed here, 1 by another instance whose notice is late: a
		// token for 3 would skip 1.
		clock.advance(2);
		clock.advance(3);
		assertThat(clock.watermark()).isZero();
		clock.advance(1);
		assertThat(clock.watermark()).isEqualTo(3);
		clock.advance(5);
		assertThat(clock.watermark()).isEqualTo(3);
		// A gap filled from the change log moves it at once.
		clock.advanceTo(4);
		assertThat(clock.watermark()).isEqualTo(5);
		clock.advanceTo(8);
		clock.advance(6);
		assertThat(clock.watermark()).isEqualTo(8);
	}

	@Test
	void sharingTheSequenceATokenAheadOfTheWatermarkCanStillCatchUpFromTheChangeLog() {
		MemoryChangeLog log = new MemoryChangeLog();
		for (int i = 0; i < 3; i++) {
			log.record(log.next(), List.of(SyncChange.upsert(new ObjectKey("marker", "m" + i), "node", 1, Map.of())),
					new AuthenticatedViewersPolicy());
		}
		SyncClock clock = new SyncClock(log);
		clock.share();
		clock.advanceTo(1);
		// A token another instance handed out for 3: this one has not heard of 2 and 3
		// yet, but the change log holds them.
		assertThat(clock.canCatchUp(new ResumeToken(clock.epoch(), 3))).isTrue();
		assertThat(clock.canCatchUp(new ResumeToken(clock.epoch(), 4))).isFalse();
		assertThat(clock.canCatchUp(new ResumeToken("0123456789abcdef", 3))).isFalse();
	}

}
