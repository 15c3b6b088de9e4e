package com.example.meetup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.example.meetup.MeetupClient.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Members propose moves of their group's meeting point; the proposal is forwarded to the
 * organizer, who owns it, and only the organizer's decision moves it.
 *
 * @author Entanglement
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class MeetingPointIntegrationTests {

	@LocalServerPort
	private int port;

	private final List<MeetupClient> clients = new ArrayList<>();

	@AfterEach
	void disconnect() {
		this.clients.forEach(MeetupClient::close);
	}

	@Test
	void aMembersSuggestionIsForwardedToTheOrganizerWhoAcceptsIt() throws Exception {
		MeetupClient alice = connect("alice");
		alice.decideRequests();
		MeetupClient bob = connect("bob");
		Subscription bobSees = bob.subscribe("meetingPoint");
		Subscription erinSees = connect("erin").subscribe("meetingPoint");
		bobSees.clear();
		erinSees.clear();

		CompletableFuture<JsonNode> reply = bob.proposeLater("meetingPoint", "hikers",
				Map.of("lat", 52.5251, "lng", 13.4071));
		JsonNode request = alice.nextRequest();
		assertThat(request.get("type").asString()).isEqualTo("meetingPoint");
		assertThat(request.get("id").asString()).isEqualTo("hikers");
		assertThat(request.get("from").asString()).isEqualTo("bob");
		assertThat(request.get("state").get("lat").asDouble()).isEqualTo(52.5251);
		assertThat(reply).as("nothing is decided before the organizer answers").isNotDone();
		alice.answer(request.get("requestId").asString(), Map.of("decision", "accept"));

		JsonNode accepted = reply.get(MeetupClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(accepted.get("status").asString()).isEqualTo("accepted");
		for (Subscription viewer : List.of(bobSees, erinSees)) {
			JsonNode moved = viewer.next((change) -> change.get("id").asString().equals("hikers"));
			assertThat(moved.get("owner").asString()).isEqualTo("alice");
			assertThat(moved.get("version").asLong()).isEqualTo(accepted.get("version").asLong());
			assertThat(moved.get("state").get("lng").asDouble()).isEqualTo(13.4071);
		}
	}

	@Test
	void whenTheOrganizerRejectsASuggestionTheMemberIsToldWhyAndNothingMoves() throws Exception {
		MeetupClient alice = connect("alice");
		alice.decideRequests();
		MeetupClient bob = connect("bob");
		Subscription bobSees = bob.subscribe("meetingPoint");
		JsonNode before = bobSees.objects().get("hikers");
		bobSees.clear();

		CompletableFuture<JsonNode> reply = bob.proposeLater("meetingPoint", "hikers", Map.of("lat", 52.51));
		JsonNode request = alice.nextRequest();
		alice.answer(request.get("requestId").asString(),
				Map.of("decision", "reject", "code", "forbidden", "message", "Too far for me"));

		JsonNode rejected = reply.get(MeetupClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(rejected.get("status").asString()).isEqualTo("rejected");
		assertThat(rejected.get("code").asString()).isEqualTo("forbidden");
		assertThat(rejected.get("message").asString()).isEqualTo("Too far for me");
		assertThat(bobSees.quietly()).isEmpty();
		assertThat(bobSees.objects().get("hikers")).isEqualTo(before);
	}

	@Test
	void theOrganizerMovesTheMeetingPointAtOnce() throws Exception {
		MeetupClient carol = connect("carol");
		JsonNode reply = carol.propose("meetingPoint", "climbers", Map.of("lat", 52.5201, "lng", 13.4169));
		assertThat(reply.get("status").asString()).isEqualTo("accepted");
	}

	@Test
	void aSuggestionNeedsTheOrganizerOnline() throws Exception {
		MeetupClient bob = connect("bob");
		JsonNode reply = bob.propose("meetingPoint", "hikers", Map.of("lat", 52.51));
		assertThat(reply.get("code").asString()).isEqualTo("owner-unreachable");
	}

	@Test
	void staffSeeMeetingPointsButDoNotMoveThem() throws Exception {
		MeetupClient erin = connect("erin");
		assertThat(erin.subscribe("meetingPoint").objects()).containsKey("hikers");
		assertThat(erin.propose("meetingPoint", "hikers", Map.of("lat", 52.51)).get("code").asString())
			.isEqualTo("forbidden");
	}

	@Test
	void whoMayNotSeeAMeetingPointCannotSuggestAMove() throws Exception {
		MeetupClient carol = connect("carol");
		assertThat(carol.propose("meetingPoint", "hikers", Map.of("lat", 52.51)).get("code").asString())
			.isEqualTo("not-found");
	}

	@Test
	void aMemberCannotDeleteTheMeetingPoint() throws Exception {
		MeetupClient alice = connect("alice");
		alice.decideRequests();
		MeetupClient bob = connect("bob");
		assertThat(bob.proposeDelete("meetingPoint", "hikers").get("code").asString()).isEqualTo("forbidden");
	}

	private MeetupClient connect(String user) throws Exception {
		MeetupClient client = MeetupClient.connect(this.port, user);
		this.clients.add(client);
		return client;
	}

}
