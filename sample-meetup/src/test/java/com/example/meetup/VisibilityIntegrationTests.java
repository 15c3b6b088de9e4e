package com.example.meetup;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.example.meetup.MeetupClient.Subscription;
import com.example.meetup.location.LocationRepository;
import com.example.meetup.security.DemoUsers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each demo user sees, and that every change reaches exactly those who may see it:
 * access control lists for groups, meeting points and locations, the meetup's policy for
 * presence and chat, and the {@code SECRET} label of the ops group over both.
 *
 * @author Entanglement
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class VisibilityIntegrationTests {

	private static final List<String> TYPES = List.of("group", "meetingPoint", "location", "presence", "chat");

	@LocalServerPort
	private int port;

	@Autowired
	private LocationRepository locations;

	private final Map<String, MeetupClient> clients = new HashMap<>();

	@AfterEach
	void disconnect() {
		this.clients.values().forEach(MeetupClient::close);
	}

	static Stream<Arguments> whoSeesWhat() {
		List<String> everyone = DemoUsers.NAMES.stream().sorted().toList();
		return Stream.of(Arguments.of("alice", List.of("hikers"), List.of("alice", "bob"), Set.of("hikers")),
				Arguments.of("bob", List.of("hikers"), List.of("alice", "bob"), Set.of("hikers")),
				Arguments.of("carol", List.of("climbers"), List.of("carol", "dave"), Set.of("climbers")),
				Arguments.of("dave", List.of("climbers"), List.of("carol", "dave"), Set.of("climbers")),
				Arguments.of("erin", List.of("climbers", "hikers", "ops"), everyone,
						Set.of("climbers", "hikers", "ops")),
				Arguments.of("frank", List.of(), List.of("frank"), Set.of()),
				Arguments.of("mallory", List.of(), List.of("mallory"), Set.of()));
	}

	@ParameterizedTest(name = "{0} sees groups {1} and the locations of {2}")
	@MethodSource("whoSeesWhat")
	void eachUserSeesTheirGroupsTheirMeetingPointsAndTheirMembers(String user, List<String> groups, List<String> people,
			Set<String> chats) throws Exception {
		MeetupClient client = connect(user);
		assertThat(client.subscribe("group").objects().keySet()).containsExactlyInAnyOrderElementsOf(groups);
		assertThat(client.subscribe("meetingPoint").objects().keySet()).containsExactlyInAnyOrderElementsOf(groups);
		assertThat(client.subscribe("location").owners()).isEqualTo(people);
		Set<String> chatsSeen = client.subscribe("chat")
			.objects()
			.values()
			.stream()
			.map((message) -> group(message))
			.collect(Collectors.toSet());
		assertThat(chatsSeen).as("the groups of the chat messages seen").isEqualTo(chats);
	}

	@Test
	void everyChangeReachesWhoMaySeeItAndNobodyElse() throws Exception {
		// Everyone online first: the simulator moves nobody from then on.
		for (String user : DemoUsers.NAMES) {
			connect(user);
		}
		Map<String, Map<String, Subscription>> subscriptions = new HashMap<>();
		for (String user : DemoUsers.NAMES) {
			Map<String, Subscription> types = new HashMap<>();
			for (String type : TYPES) {
				types.put(type, this.clients.get(user).subscribe(type));
			}
			subscriptions.put(user, types);
		}
		subscriptions.values().forEach((types) -> types.values().forEach(Subscription::clear));

		String aliceMoves = accepted(this.clients.get("alice")
			.propose("location", locationOf("alice"), Map.of("lat", 52.523, "lng", 13.41, "heading", 90)));
		String climbersMeet = accepted(
				this.clients.get("carol").propose("meetingPoint", "climbers", Map.of("lat", 52.52, "lng", 13.417)));
		String hikersMessage = accepted(
				this.clients.get("bob").propose("chat", null, Map.of("group", "hikers", "text", "On my way")));
		String opsMessage = accepted(
				this.clients.get("erin").propose("chat", null, Map.of("group", "ops", "text", "Eyes only")));
		String carolOnline = accepted(
				this.clients.get("carol").propose("presence", null, Map.of("group", "climbers", "status", "online")));
		String erinInOps = accepted(this.clients.get("erin")
			.propose("presence", null, Map.of("group", "ops", "status", "online", "label", "SECRET")));

		// Who receives what; every other subscription receives nothing.
		Map<Subscription, Set<String>> expected = new HashMap<>();
		subscriptions.values().forEach((types) -> types.values().forEach((all) -> expected.put(all, Set.of())));
		BiConsumer<String, Map<String, Set<String>>> receives = (user, changes) -> changes
			.forEach((type, ids) -> expected.put(subscriptions.get(user).get(type), ids));
		receives.accept("alice", Map.of("location", Set.of(aliceMoves), "chat", Set.of(hikersMessage)));
		receives.accept("bob", Map.of("location", Set.of(aliceMoves), "chat", Set.of(hikersMessage)));
		receives.accept("carol", Map.of("meetingPoint", Set.of(climbersMeet), "presence", Set.of(carolOnline)));
		receives.accept("dave", Map.of("meetingPoint", Set.of(climbersMeet), "presence", Set.of(carolOnline)));
		receives.accept("erin", Map.of("location", Set.of(aliceMoves), "meetingPoint", Set.of(climbersMeet), "chat",
				Set.of(hikersMessage, opsMessage), "presence", Set.of(carolOnline, erinInOps)));
		Subscription.receiveExactly(expected);
		JsonNode secret = subscriptions.get("erin")
			.get("chat")
			.received()
			.stream()
			.filter((change) -> change.get("id").asString().equals(opsMessage))
			.findFirst()
			.orElseThrow();
		assertThat(secret.get("state").get("label").asString()).isEqualTo("SECRET");
	}

	@Test
	void aDragIsSeenWhileItHappensByWhoMaySeeTheLocationAndNobodyElse() throws Exception {
		// Everyone online first: the simulator moves nobody from then on.
		for (String user : DemoUsers.NAMES) {
			connect(user);
		}
		Map<String, Subscription> viewers = new HashMap<>();
		for (String user : DemoUsers.NAMES) {
			viewers.put(user, this.clients.get(user).subscribe("location"));
		}
		viewers.values().forEach(Subscription::clear);
		String location = locationOf("alice");
		this.clients.get("alice").transition("location", location, "drag-1", Map.of("lat", 52.5231, "lng", 13.4102));

		for (String viewer : List.of("bob", "erin")) {
			JsonNode drag = viewers.get(viewer).next((change) -> change.get("op").asString().equals("transition"));
			assertThat(drag.get("id").asString()).isEqualTo(location);
			assertThat(drag.get("by").asString()).isEqualTo("alice");
			assertThat(drag.get("state").get("lat").asDouble()).isEqualTo(52.5231);
		}
		for (String viewer : List.of("alice", "carol", "dave", "frank", "mallory")) {
			assertThat(viewers.get(viewer).quietly()).as(viewer).isEmpty();
		}
	}

	@Test
	void frankTakesPartInOpsByListButIsNotClearedSoHeMayNotPostThere() throws Exception {
		MeetupClient frank = connect("frank");
		assertThat(frank.propose("chat", null, Map.of("group", "ops", "text", "Hello?")).get("code").asString())
			.isEqualTo("forbidden");
		assertThat(frank.propose("presence", null, Map.of("group", "ops", "status", "online")).get("code").asString())
			.isEqualTo("forbidden");
		assertThat(frank.propose("meetingPoint", "ops", Map.of("lat", 52.5)).get("code").asString())
			.isEqualTo("not-found");
	}

	@Test
	void nobodyPostsInAGroupTheyAreNotIn() throws Exception {
		MeetupClient mallory = connect("mallory");
		assertThat(mallory.propose("chat", null, Map.of("group", "hikers", "text", "Hi!")).get("code").asString())
			.isEqualTo("forbidden");
		assertThat(
				mallory.propose("presence", null, Map.of("group", "hikers", "status", "online")).get("code").asString())
			.isEqualTo("forbidden");
	}

	@Test
	void aPresenceMustCarryItsGroupsLabel() throws Exception {
		MeetupClient erin = connect("erin");
		assertThat(erin.propose("presence", null, Map.of("group", "ops", "status", "online")).get("code").asString())
			.isEqualTo("forbidden");
		assertThat(erin.propose("presence", null, Map.of("group", "hikers", "status", "online", "label", "SECRET"))
			.get("code")
			.asString()).isEqualTo("forbidden");
	}

	@Test
	void clientsCreateNoGroupsMeetingPointsOrLocations() throws Exception {
		MeetupClient alice = connect("alice");
		assertThat(alice.propose("group", null, Map.of("name", "Party")).get("code").asString()).isEqualTo("forbidden");
		assertThat(alice.propose("meetingPoint", null, Map.of("lat", 1)).get("code").asString()).isEqualTo("forbidden");
		assertThat(alice.propose("location", null, Map.of("lat", 1)).get("code").asString()).isEqualTo("forbidden");
	}

	private MeetupClient connect(String user) throws Exception {
		MeetupClient client = MeetupClient.connect(this.port, user);
		this.clients.put(user, client);
		return client;
	}

	private String locationOf(String person) {
		return String.valueOf(this.locations.findByPerson(person).orElseThrow().getId());
	}

	private static String accepted(JsonNode reply) {
		assertThat(reply.get("status").asString()).as(reply.toString()).isEqualTo("accepted");
		return reply.get("id").asString();
	}

	private static String group(JsonNode message) {
		return message.get("state").get("group").asString();
	}

}
