package com.example.meetup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.example.meetup.MeetupClient.Subscription;
import com.example.meetup.chat.ChatMessageRepository;
import com.example.meetup.group.Memberships;
import com.example.meetup.location.LocationRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Joining and leaving a group changes what people see, live.
 *
 * @author Entanglement
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class MembershipsIntegrationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private Memberships memberships;

	@Autowired
	private LocationRepository locations;

	@Autowired
	private ChatMessageRepository messages;

	@Autowired
	private JdbcTemplate jdbc;

	private final List<MeetupClient> clients = new ArrayList<>();

	@AfterEach
	void disconnect() {
		this.memberships.join("hikers", "bob");
		this.memberships.leave("climbers", "mallory");
		this.clients.forEach(MeetupClient::close);
	}

	@Test
	void whoLeavesAGroupForgetsItAndIsForgottenAtOnceThenSeesItAgainOnJoining() throws Exception {
		// Bob first: once he is online, the simulator no longer moves him.
		MeetupClient bob = connect("bob");
		Subscription bobGroups = bob.subscribe("group");
		Subscription bobPoints = bob.subscribe("meetingPoint");
		Subscription bobLocations = bob.subscribe("location");
		Subscription bobChat = bob.subscribe("chat");
		Subscription bobPresence = bob.subscribe("presence");
		MeetupClient alice = connect("alice");
		Subscription aliceLocations = alice.subscribe("location");
		Subscription aliceGroups = alice.subscribe("group");
		String alicePresence = alice.propose("presence", null, Map.of("group", "hikers", "status", "online"))
			.get("id")
			.asString();
		bobPresence.receivesExactly(Set.of(alicePresence));
		Set<String> hikersChat = bobChat.objects().keySet();
		assertThat(hikersChat).isNotEmpty();
		String aliceLocation = locationOf("alice");
		String bobLocation = locationOf("bob");
		List<Subscription> watched = List.of(bobGroups, bobPoints, bobLocations, bobChat, bobPresence, aliceLocations);
		watched.forEach(Subscription::clear);

		this.memberships.leave("hikers", "bob");

		Subscription.receiveExactly(
				Map.of(bobGroups, Set.of("hikers"), bobPoints, Set.of("hikers"), bobLocations, Set.of(aliceLocation),
						bobChat, hikersChat, bobPresence, Set.of(alicePresence), aliceLocations, Set.of(bobLocation)));
		for (Subscription forgotten : watched) {
			assertThat(forgotten.received()).extracting((change) -> change.get("op").asString()).containsOnly("forget");
		}
		assertThat(bobLocations.objects()).containsOnlyKeys(bobLocation);
		JsonNode group = aliceGroups.next((change) -> change.get("id").asString().equals("hikers"));
		assertThat(group.get("state").get("members")).extracting(JsonNode::asString).containsExactly("alice");

		watched.forEach(Subscription::clear);
		this.memberships.join("hikers", "bob");

		Subscription.receiveExactly(
				Map.of(bobGroups, Set.of("hikers"), bobPoints, Set.of("hikers"), bobLocations, Set.of(aliceLocation),
						bobChat, hikersChat, bobPresence, Set.of(alicePresence), aliceLocations, Set.of(bobLocation)));
		for (Subscription seen : watched) {
			assertThat(seen.received()).extracting((change) -> change.get("op").asString()).containsOnly("upsert");
		}
	}

	@Test
	void sharingWhatTheGroupsSayIsLiveForWhoeverSubscribedBefore() throws Exception {
		MeetupClient mallory = connect("mallory");
		Subscription malloryGroups = mallory.subscribe("group");
		Subscription malloryChat = mallory.subscribe("chat");
		MeetupClient bob = connect("bob");
		Subscription bobChat = bob.subscribe("chat");
		assertThat(malloryGroups.objects()).isEmpty();
		assertThat(malloryChat.objects()).isEmpty();
		Set<String> climbersChat = this.messages.findByGroupId("climbers")
			.stream()
			.map((message) -> String.valueOf(message.getId()))
			.collect(Collectors.toSet());
		assertThat(climbersChat).isNotEmpty();
		bobChat.clear();

		// As when the app starts: the groups stored say more than the members held in
		// memory.
		this.jdbc.update("update meetup_group set members = members || ',mallory' where id = 'climbers'");
		this.memberships.shareAll();

		Subscription
			.receiveExactly(Map.of(malloryGroups, Set.of("climbers"), malloryChat, climbersChat, bobChat, Set.of()));
	}

	@Test
	void theOrganizerCannotLeave() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.memberships.leave("hikers", "alice"));
	}

	private String locationOf(String person) {
		return String.valueOf(this.locations.findByPerson(person).orElseThrow().getId());
	}

	private MeetupClient connect(String user) throws Exception {
		MeetupClient client = MeetupClient.connect(this.port, user);
		this.clients.add(client);
		return client;
	}

}
