package io.entanglement.docs.proposals;

import java.util.Map;

import io.entanglement.ObjectKey;
import io.entanglement.Proposal;
import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;
import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.TestingAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the policy shown on the proposals page.
 *
 * @author Entanglement
 */
class MeetupPolicyTests {

	private static final ObjectKey KEY = new ObjectKey("location", "42");

	private final SyncPolicy policy = new MeetupPolicy("meetup-1");

	@Test
	void signedInPeopleMayCreate() {
		assertThat(this.policy.mayPropose(viewer("bob"), null, create())).isTrue();
		assertThat(this.policy.mayPropose(new SyncViewer("s1", null), null, create())).isFalse();
	}

	@Test
	void nodeObjectsAreReadOnlyToClients() {
		SyncChange nodeOwned = location("meetup-1");
		assertThat(this.policy.maySee(viewer("bob"), nodeOwned)).isTrue();
		assertThat(this.policy.mayPropose(viewer("bob"), nodeOwned, move())).isFalse();
		assertThat(this.policy.mayPropose(viewer("bob"), nodeOwned, delete())).isFalse();
	}

	@Test
	void changesToSomeoneElsesObjectGoOnButOnlyTheOwnerDeletes() {
		SyncChange alices = location("alice");
		assertThat(this.policy.mayPropose(viewer("bob"), alices, move())).isTrue();
		assertThat(this.policy.mayPropose(viewer("bob"), alices, delete())).isFalse();
		assertThat(this.policy.mayPropose(viewer("alice"), alices, delete())).isTrue();
	}

	@Test
	void anonymousViewersSeeAndProposeNothing() {
		SyncViewer anonymous = new SyncViewer("s1", null);
		assertThat(this.policy.maySee(anonymous, location("alice"))).isFalse();
		assertThat(this.policy.mayPropose(anonymous, location("alice"), move())).isFalse();
	}

	private static SyncChange location(String owner) {
		return SyncChange.upsert(KEY, owner, 7, Map.of("lat", 45.76, "lng", 4.84));
	}

	private static Proposal create() {
		return new Proposal("r1", "location", null, null, Map.of("lat", 45.76), false);
	}

	private static Proposal move() {
		return new Proposal("r2", "location", "42", 7L, Map.of("lat", 45.77), false);
	}

	private static Proposal delete() {
		return new Proposal("r3", "location", "42", null, Map.of(), true);
	}

	private static SyncViewer viewer(String name) {
		return new SyncViewer("session-of-" + name, new TestingAuthenticationToken(name, null));
	}

}
