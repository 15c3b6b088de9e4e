package com.example.meetup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.example.meetup.MeetupClient.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence lives as long as its owner's connections; chat messages reach every member,
 * each one, in the order they were posted.
 *
 * @author Entanglement
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class PresenceAndChatIntegrationTests {

	@LocalServerPort
	private int port;

	private final List<MeetupClient> clients = new ArrayList<>();

	@AfterEach
	void disconnect() {
		this.clients.forEach(MeetupClient::close);
	}

	@Test
	void aPresenceIsSeenByTheGroupAndRemovedWhenItsOwnerDisconnects() throws Exception {
		Subscription bobSees = connect("bob").subscribe("presence");
		Subscription carolSees = connect("carol").subscribe("presence");
		MeetupClient alice = connect("alice");

		String id = alice.propose("presence", null, Map.of("group", "hikers", "status", "online")).get("id").asString();
		JsonNode online = bobSees.next((change) -> change.get("id").asString().equals(id));
		assertThat(online.get("op").asString()).isEqualTo("upsert");
		assertThat(online.get("owner").asString()).isEqualTo("alice");
		assertThat(online.get("state").get("status").asString()).isEqualTo("online");

		alice.propose("presence", id, Map.of("status", "typing"));
		JsonNode typing = bobSees.next((change) -> change.get("id").asString().equals(id));
		assertThat(typing.get("state").get("status").asString()).isEqualTo("typing");

		alice.close();
		JsonNode gone = bobSees.next((change) -> change.get("id").asString().equals(id));
		assertThat(gone.get("op").asString()).isEqualTo("delete");
		assertThat(carolSees.received()).isEmpty();
	}

	@Test
	void nobodyChangesAnotherOnesPresence() throws Exception {
		MeetupClient alice = connect("alice");
		String id = alice.propose("presence", null, Map.of("group", "hikers", "status", "online")).get("id").asString();
		MeetupClient bob = connect("bob");
		assertThat(bob.propose("presence", id, Map.of("status", "away")).get("code").asString()).isEqualTo("forbidden");
	}

	@Test
	void everyChatMessageArrivesInTheOrderItWasPosted() throws Exception {
		Subscription bobSees = connect("bob").subscribe("chat", Map.of("group", "hikers"));
		Subscription carolSees = connect("carol").subscribe("chat");
		bobSees.clear();
		MeetupClient alice = connect("alice");
		String run = UUID.randomUUID().toString();
		List<String> texts = IntStream.rangeClosed(1, 30).mapToObj((i) -> run + " #" + i).toList();
		List<CompletableFuture<JsonNode>> replies = texts.stream()
			.map((text) -> alice.proposeLater("chat", null, Map.of("group", "hikers", "text", text)))
			.toList();
		for (CompletableFuture<JsonNode> reply : replies) {
			assertThat(reply.get(MeetupClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS).get("status").asString())
				.isEqualTo("accepted");
		}

		List<JsonNode> received = new ArrayList<>();
		for (int i = 0; i < texts.size(); i++) {
			received.add(bobSees.next((change) -> change.get("state").get("text").asString().startsWith(run)));
		}
		assertThat(received).extracting((message) -> message.get("state").get("text").asString())
			.containsExactlyElementsOf(texts);
		assertThat(received).allSatisfy((message) -> {
			assertThat(message.get("owner").asString()).isEqualTo("alice");
			assertThat(message.get("state").get("group").asString()).isEqualTo("hikers");
			assertThat(message.get("state").has("sentAt")).isTrue();
		});
		assertThat(carolSees.quietly()).isEmpty();
	}

	@Test
	void aMessageIsNeverChanged() throws Exception {
		MeetupClient alice = connect("alice");
		String id = alice.propose("chat", null, Map.of("group", "hikers", "text", "Hello")).get("id").asString();
		assertThat(alice.propose("chat", id, Map.of("text", "Goodbye")).get("code").asString()).isEqualTo("forbidden");
	}

	@Test
	void aMessageHoldsSomeText() throws Exception {
		MeetupClient alice = connect("alice");
		assertThat(alice.propose("chat", null, Map.of("group", "hikers", "text", " ")).get("code").asString())
			.isEqualTo("forbidden");
		assertThat(
				alice.propose("chat", null, Map.of("group", "hikers", "text", "x".repeat(501))).get("code").asString())
			.isEqualTo("forbidden");
	}

	@Test
	void aMessageCarriesItsGroupsLabelWhateverItsAuthorSays() throws Exception {
		MeetupClient erin = connect("erin");
		Subscription erinSees = erin.subscribe("chat", Map.of("group", "ops"));
		String id = erin.propose("chat", null, Map.of("group", "ops", "text", "Eyes only")).get("id").asString();
		JsonNode message = erinSees.next((change) -> change.get("id").asString().equals(id));
		assertThat(message.get("state").get("label").asString()).isEqualTo("SECRET");
		String open = erin.propose("chat", null, Map.of("group", "hikers", "text", "Hi", "label", "SECRET"))
			.get("id")
			.asString();
		Subscription hikers = erin.subscribe("chat", Map.of("group", "hikers"));
		JsonNode label = hikers.objects().get(open).get("state").path("label");
		assertThat(label.isNull() || label.isMissingNode()).as("no label").isTrue();
	}

	private MeetupClient connect(String user) throws Exception {
		MeetupClient client = MeetupClient.connect(this.port, user);
		this.clients.add(client);
		return client;
	}

}
