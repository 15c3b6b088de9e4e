package io.entanglement.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MemoryChangeLog}: the number of the last change that may have changed
 * who sees each object.
 */
class MemoryChangeLogTests {

	private static final ObjectKey KEY = new ObjectKey("cursor", "a");

	private final MemoryChangeLog log = new MemoryChangeLog();

	/** Decides on the team; its access state says so. */
	private final SyncPolicy byTeam = new SyncPolicy() {

		@Override
		public boolean maySee(SyncViewer viewer, SyncChange change) {
			return viewer.name().equals(change.state().get("team"));
		}

		@Override
		public String accessState(SyncChange change) {
			return String.valueOf(change.state().get("team"));
		}

	};

	@Test
	void anObjectCreatedAndChangedWithinItsAudienceKeepsTheNumberOfNone() {
		long created = record(upsert(0, "red", 1), this.byTeam);
		record(upsert(1, "red", 2), this.byTeam);
		assertThat(entry().seq()).isGreaterThan(created);
		assertThat(entry().accessSeq()).isZero();
	}

	@Test
	void aChangeOfWhatThePolicyDecidesOnIsNumbered() {
		record(upsert(0, "red", 1), this.byTeam);
		long moved = record(upsert(1, "blue", 1), this.byTeam);
		record(upsert(2, "blue", 2), this.byTeam);
		assertThat(entry().accessSeq()).isEqualTo(moved);
		assertThat(entry().accessChangedAfter(moved - 1)).isTrue();
		assertThat(entry().accessChangedAfter(moved)).isFalse();
	}

	@Test
	void withoutAnAccessStateEveryChangeIsNumbered() {
		SyncPolicy undeclared = (viewer, change) -> true;
		record(upsert(0, "red", 1), undeclared);
		long changed = record(upsert(1, "red", 2), undeclared);
		assertThat(entry().accessSeq()).isEqualTo(changed);
	}

	@Test
	void aDeletionIsNumbered() {
		record(upsert(0, "red", 1), this.byTeam);
		long deleted = record(SyncChange.delete(KEY, 1), this.byTeam);
		assertThat(entry().deleted()).isTrue();
		assertThat(entry().accessSeq()).isEqualTo(deleted);
	}

	@Test
	void anAccessChangeIsNumberedUnlessItOnlyWidens() {
		record(upsert(0, "red", 1), this.byTeam);
		long widened = this.log.next();
		this.log.touch(widened, List.of(KEY), Set.of(KEY));
		assertThat(entry().seq()).isEqualTo(widened);
		assertThat(entry().accessSeq()).isZero();
		long narrowed = this.log.next();
		this.log.touch(narrowed, List.of(KEY), Set.of());
		assertThat(entry().accessSeq()).isEqualTo(narrowed);
		record(upsert(1, "red", 2), this.byTeam);
		assertThat(entry().accessSeq()).isEqualTo(narrowed);
	}

	@Test
	void anObjectCreatedAgainAfterItsDeletionIsNumbered() {
		record(upsert(0, "red", 1), this.byTeam);
		record(SyncChange.delete(KEY, 1), this.byTeam);
		long again = record(upsert(2, "red", 1), this.byTeam);
		assertThat(entry().deleted()).isFalse();
		assertThat(entry().accessSeq()).isEqualTo(again);
	}

	@Test
	void catchUpGetsNothingBelowThePurgeHorizon() {
		record(upsert(0, "red", 1), this.byTeam);
		long deleted = record(SyncChange.delete(new ObjectKey("cursor", "b"), 2), this.byTeam);
		long updated = record(upsert(1, "red", 2), this.byTeam);
		assertThat(ifComplete("cursor", 0)).extracting(ChangeLog.Entry::id).containsExactly("b", "a");
		assertThat(this.log.purgeTombstones(Instant.now().plusSeconds(60))).isOne();
		assertThat(this.log.purgedSeq()).isEqualTo(deleted);
		assertThat(ifComplete("cursor", deleted - 1)).isNull();
		assertThat(ifComplete("cursor", deleted)).extracting(ChangeLog.Entry::seq).containsExactly(updated);
	}

	private long record(SyncChange change, SyncPolicy policy) {
		long seq = this.log.next();
		this.log.record(seq, List.of(change), policy);
		return seq;
	}

	private ChangeLog.Entry entry() {
		return this.log.changesSince("cursor", 0).get(0);
	}

	private static SyncChange upsert(long version, String team, int x) {
		return SyncChange.upsert(KEY, "carol", version, Map.of("team", team, "x", x));
	}

	/**
	 * What a client resuming after the number is caught up from, or null if it cannot be.
	 */
	private @Nullable List<ChangeLog.Entry> ifComplete(String type, long afterSeq) {
		return this.log.changesAfter(type, afterSeq).since(afterSeq);
	}

}
