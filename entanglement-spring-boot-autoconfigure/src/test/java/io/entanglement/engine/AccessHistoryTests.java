package io.entanglement.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import io.entanglement.AccessScope;
import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AccessHistory}: what it answers about the access at a token, and what
 * it cannot answer.
 *
 * @author Entanglement
 */
class AccessHistoryTests {

	/** Who may read: alice and bob, then alice alone. */
	private final Set<String> readers = new HashSet<>(Set.of("alice", "bob"));

	private @Nullable Set<String> before;

	@Test
	void answersNothingBeforeItsFirstAccessChange() {
		AccessHistory history = new AccessHistory(10);
		List<SyncChange> asked = new ArrayList<>();
		history.changed(5, memo("1", 2, "blue"), memo("1", 1, "red"), (state) -> {
			asked.add(state);
			return team(state);
		});
		history.unknown(6, "1");
		// Nothing is decided before a change of a list: the policy is not asked either.
		assertThat(asked).isEmpty();
		assertThat(history.floor()).isEqualTo(Long.MAX_VALUE);
		assertThat(history.size()).isZero();
		assertThat(history.couldSee(memo("1", 2, "red"), 4, may("alice"))).isNull();
	}

	@Test
	void answersFromTheAccessTheFirstChangeAfterTheTokenWasAnnouncedWith() {
		AccessHistory history = new AccessHistory(10);
		history.aclChanged(10, "1", revoke("bob"));
		assertThat(history.floor()).isEqualTo(9);
		SyncChange current = memo("1", 1, "red");
		assertThat(history.couldSee(current, 9, may("bob"))).isTrue();
		assertThat(history.couldSee(current, 9, may("carol"))).isFalse();
		// A token from before the history started cannot be told.
		assertThat(history.couldSee(current, 8, may("bob"))).isNull();
		// Nothing recorded after the token: a change of access the history did not see.
		assertThat(history.couldSee(current, 10, may("bob"))).isNull();
	}

	@Test
	void decidesOnTheStateBeforeTheFirstChangeOfWhatThePolicyDecidesOn() {
		AccessHistory history = new AccessHistory(10);
		history.aclChanged(10, "1", revoke("bob"));
		// Moved to a team nobody reads after the revocation.
		history.changed(11, memo("1", 2, "blue"), memo("1", 1, "red"), AccessHistoryTests::team);
		assertThat(history.couldSee(memo("1", 2, "blue"), 9,
				(state) -> "red".equals(team(state)) && may("bob").test(state)))
			.isTrue();
		// Its team changed first: access announced since may not cover the team it had.
		assertThat(history.couldSee(memo("1", 2, "blue"), 10, may("alice"))).isNull();
	}

	@Test
	void aChangeOfWhatThePolicyDecidesOnBeforeTheFirstChangeOfTheListCannotBeToldApart() {
		AccessHistory history = new AccessHistory(10);
		history.aclChanged(5, "2", revoke("carol"));
		history.changed(10, memo("1", 2, "blue"), memo("1", 1, "red"), AccessHistoryTests::team);
		history.aclChanged(11, "1", revoke("bob"));
		// The list before the revocation is not the one that decided on the team at the
		// token.
		assertThat(history.couldSee(memo("1", 2, "blue"), 9, may("bob"))).isNull();
		assertThat(history.couldSee(memo("1", 2, "blue"), 10, may("bob"))).isTrue();
	}

	@Test
	void aChangeThatKeepsWhatThePolicyDecidesOnIsNotAnAccessChange() {
		AccessHistory history = new AccessHistory(10);
		history.aclChanged(10, "1", revoke("bob"));
		history.changed(11, memo("1", 2, "red"), memo("1", 1, "red"), AccessHistoryTests::team);
		assertThat(history.size()).isOne();
		assertThat(history.couldSee(memo("1", 2, "red"), 9, may("bob"))).isTrue();
	}

	@Test
	void anUnknownChangeAfterTheTokenCannotBeToldApart() {
		AccessHistory history = new AccessHistory(10);
		history.aclChanged(10, "1", revoke("bob"));
		history.changed(12, memo("1", 2, "red"), null, AccessHistoryTests::team);
		assertThat(history.couldSee(memo("1", 2, "red"), 9, may("bob"))).isNull();
		history.accessUnknown(13, "2");
		assertThat(history.couldSee(memo("2", 1, "red"), 9, may("bob"))).isNull();
	}

	@Test
	void aPolicyThatDoesNotSayWhatItDecidesOnRaisesTheFloorWithEveryChange() {
		AccessHistory history = new AccessHistory(10);
		history.aclChanged(10, "1", revoke("bob"));
		history.changed(11, memo("2", 2, "red"), memo("2", 1, "red"), (state) -> null);
		assertThat(history.floor()).isEqualTo(11);
		assertThat(history.couldSee(memo("1", 1, "red"), 9, may("bob"))).isNull();
	}

	@Test
	void keepsABoundedNumberOfChangesAndRaisesItsFloorPastTheOnesItDrops() {
		AccessHistory history = new AccessHistory(3);
		for (int i = 1; i <= 5; i++) {
			this.readers.add("bob");
			history.aclChanged(10 + i, "o" + i, revoke("bob"));
		}
		assertThat(history.size()).isEqualTo(3);
		assertThat(history.floor()).isEqualTo(12);
		assertThat(history.couldSee(memo("o1", 1, "red"), 10, may("bob"))).isNull();
		assertThat(history.couldSee(memo("o2", 1, "red"), 11, may("bob"))).isNull();
		assertThat(history.couldSee(memo("o3", 1, "red"), 12, may("bob"))).isTrue();
		assertThat(history.couldSee(memo("o5", 1, "red"), 14, may("bob"))).isTrue();
	}

	@Test
	void startsAboveEveryNumberHeardBeforeItsFirstChange() {
		AccessHistory history = new AccessHistory(10);
		// Heard out of order from another instance before the first access change here.
		history.unknown(20, "2");
		history.aclChanged(15, "1", revoke("bob"));
		assertThat(history.floor()).isEqualTo(20);
		assertThat(history.couldSee(memo("1", 1, "red"), 16, may("bob"))).isNull();
	}

	@Test
	void aLostStretchRaisesTheFloor() {
		AccessHistory history = new AccessHistory(10);
		history.aclChanged(10, "1", revoke("bob"));
		history.lost(30);
		assertThat(history.floor()).isEqualTo(30);
		assertThat(history.couldSee(memo("1", 1, "red"), 9, may("bob"))).isNull();
	}

	/** Revokes READ from a user, and returns the access before. */
	private AccessScope revoke(String user) {
		Set<String> kept = Set.copyOf(this.readers);
		this.readers.remove(user);
		return (BooleanSupplier decision) -> {
			this.before = kept;
			try {
				return decision.getAsBoolean();
			}
			finally {
				this.before = null;
			}
		};
	}

	private Predicate<SyncChange> may(String user) {
		return (state) -> ((this.before != null) ? this.before : this.readers).contains(user);
	}

	private static @Nullable String team(SyncChange state) {
		return (String) state.state().get("team");
	}

	private static SyncChange memo(String id, long version, String team) {
		return SyncChange.upsert(new ObjectKey("memo", id), "owner", version, Map.of("team", team));
	}

}
