package com.example.meetup.security;

import java.security.Principal;
import java.util.HashMap;
import java.util.Map;

import com.example.meetup.group.GroupMembers;
import io.entanglement.MandatoryAccessControl;
import io.entanglement.ObjectKey;
import io.entanglement.Proposal;
import io.entanglement.SyncChange;
import io.entanglement.SyncViewer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link MeetupPolicy}.
 *
 * @author Entanglement
 */
class MeetupPolicyTests {

	private final GroupMembers members = mock();

	private final MandatoryAccessControl labels = mock();

	private final MeetupPolicy policy = new MeetupPolicy(this.members, this.labels);

	private final SyncViewer alice = viewer("alice");

	private final SyncViewer mallory = viewer("mallory");

	@BeforeEach
	void hikers() {
		given(this.members.takesPart(eq(this.alice), eq("hikers"))).willReturn(true);
		given(this.labels.dominates(any(), eq(null))).willReturn(true);
	}

	@Test
	void presenceAndChatAreSeenByWhoTakesPartInTheirGroup() {
		for (String type : new String[] { "presence", "chat" }) {
			SyncChange change = change(type, "alice", Map.of("group", "hikers"));
			assertThat(this.policy.maySee(this.alice, change)).isTrue();
			assertThat(this.policy.maySee(this.mallory, change)).isFalse();
		}
	}

	@Test
	void groupsMeetingPointsAndLocationsAreLeftToTheirAccessControlLists() {
		for (String type : new String[] { "group", "meetingPoint", "location" }) {
			assertThat(this.policy.maySee(this.mallory, change(type, "alice", Map.of()))).isTrue();
		}
	}

	@Test
	void aMessageIsPostedInAGroupOneTakesPartIn() {
		assertThat(this.policy.mayPropose(this.alice, null, create("chat", Map.of("group", "hikers", "text", "Hi"))))
			.isTrue();
		assertThat(this.policy.mayPropose(this.mallory, null, create("chat", Map.of("group", "hikers", "text", "Hi"))))
			.isFalse();
	}

	@Test
	void aMessageIsNotPostedInAGroupOneIsNotClearedFor() {
		given(this.members.takesPart(eq(this.alice), eq("ops"))).willReturn(true);
		given(this.members.labelOf("ops")).willReturn("SECRET");
		assertThat(this.policy.mayPropose(this.alice, null, create("chat", Map.of("group", "ops", "text", "Hi"))))
			.isFalse();
	}

	@Test
	void aMessageIsNeverChanged() {
		SyncChange posted = change("chat", "alice", Map.of("group", "hikers", "text", "Hi"));
		assertThat(this.policy.mayPropose(this.alice, posted, update("chat", Map.of("text", "Bye")))).isFalse();
	}

	@Test
	void aPresenceCarriesTheLabelOfItsGroup() {
		given(this.members.takesPart(eq(this.alice), eq("ops"))).willReturn(true);
		given(this.members.labelOf("ops")).willReturn("SECRET");
		given(this.labels.dominates(this.alice, "SECRET")).willReturn(true);
		assertThat(this.policy.mayPropose(this.alice, null, create("presence", Map.of("group", "ops")))).isFalse();
		assertThat(
				this.policy.mayPropose(this.alice, null, create("presence", Map.of("group", "ops", "label", "SECRET"))))
			.isTrue();
		assertThat(this.policy.mayPropose(this.alice, null,
				create("presence", Map.of("group", "hikers", "label", "SECRET"))))
			.isFalse();
	}

	@Test
	void aPresenceIsChangedByItsOwnerOnly() {
		SyncChange online = change("presence", "alice", Map.of("group", "hikers", "status", "online"));
		assertThat(this.policy.mayPropose(this.alice, online, update("presence", Map.of("status", "typing")))).isTrue();
		given(this.members.takesPart(eq(this.mallory), eq("hikers"))).willReturn(true);
		assertThat(this.policy.mayPropose(this.mallory, online, update("presence", Map.of("status", "away"))))
			.isFalse();
	}

	@Test
	void clientsOnlyChangeGroupsMeetingPointsAndLocationsThatExist() {
		for (String type : new String[] { "group", "meetingPoint", "location" }) {
			assertThat(this.policy.mayPropose(this.alice, null, create(type, Map.of("lat", 1)))).isFalse();
			SyncChange existing = change(type, "alice", Map.of());
			assertThat(this.policy.mayPropose(this.alice, existing, update(type, Map.of("lat", 1)))).isTrue();
			assertThat(this.policy.mayPropose(this.alice, existing, new Proposal("r", type, "1", null, Map.of(), true)))
				.isFalse();
		}
	}

	private static SyncViewer viewer(String name) {
		Principal principal = () -> name;
		return new SyncViewer(name + "-session", principal);
	}

	private static SyncChange change(String type, String owner, Map<String, @Nullable Object> state) {
		return SyncChange.upsert(new ObjectKey(type, "1"), owner, 1, new HashMap<>(state));
	}

	private static Proposal create(String type, Map<String, @Nullable Object> state) {
		return new Proposal("r", type, null, null, state, false);
	}

	private static Proposal update(String type, Map<String, @Nullable Object> state) {
		return new Proposal("r", type, "1", null, state, false);
	}

}
