package io.entanglement.docs.stores;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.LongStream;

import io.entanglement.SyncChange;
import io.entanglement.docs.ReceivedFrames;
import io.entanglement.docs.ShownValues;
import io.entanglement.docs.StompClients;
import io.entanglement.docs.gettingstarted.GettingStartedApplication;
import io.entanglement.docs.gettingstarted.Location;
import io.entanglement.docs.gettingstarted.LocationRepository;
import io.entanglement.engine.SyncManager;
import io.entanglement.memory.EphemeralStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.simp.stomp.StompSession;

import static io.entanglement.docs.StompClients.REPLIES;
import static io.entanglement.docs.StompClients.send;
import static io.entanglement.docs.StompClients.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the ephemeral objects of the stores page in the getting-started application, with
 * real STOMP clients: presence, time to live, every version, calls, and server-side
 * writes.
 *
 * @author Entanglement
 */
@SpringBootTest(classes = { GettingStartedApplication.class, MeetupEphemeralTypes.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
class EphemeralObjectsIntegrationTests {

	/** The id the page shows for Alice's presence. */
	private static final String SHOWN_PRESENCE_ID = "9a4e1c7b-3f52-4d08-b6e1-5c2d7f8a0e93";

	/** The ids the page shows for the two locations a call measures between. */
	private static final String SHOWN_FROM = "0b7d6a52-8c1e-4c5e-9a3f-2f1d8e4b7c61";

	private static final String SHOWN_TO = "5e3c9f10-42aa-4f6b-8d2e-7a9b1c0d3e48";

	/** The id the page shows for a call. */
	private static final String SHOWN_CALL_ID = "c41f0d8e-2b7a-4e95-8f3c-6a1d9e2b5f70";

	/** The typing indicator's time to live. */
	private static final Duration TTL = Duration.ofSeconds(2);

	/** Long enough that a frame the server wrongly sent would have arrived. */
	private static final Duration QUIET = Duration.ofMillis(500);

	@LocalServerPort
	private int port;

	@Autowired
	private LocationRepository locations;

	@Autowired
	private SyncManager syncManager;

	@Autowired
	@Qualifier("alert")
	private EphemeralStore alerts;

	private final ShownValues shown = new ShownValues(EphemeralObjectsIntegrationTests.class);

	private StompClients clients;

	@BeforeEach
	void connect() {
		this.clients = new StompClients(this.port);
		this.shown.uniqueRequestIds("here-1", "distance-1", "distance-2", "distance-3");
	}

	@AfterEach
	void disconnect() {
		this.clients.close();
	}

	@Test
	void presenceIsDeletedWhenItsOwnersLastSessionCloses() throws Exception {
		ReceivedFrames bob = subscribed("bob", "presence");
		StompSession alice = this.clients.connect("alice");
		StompSession alicePhone = this.clients.connect("alice");
		ReceivedFrames replies = subscribe(alice, REPLIES);
		send(alice, "/app/entanglement/presence/propose", this.shown.body("presence-propose.json"));
		JsonNode created = replies.next().json();
		assertThat(created.get("status").asString()).isEqualTo("accepted");
		String id = this.shown.show(created.get("id").asString(), SHOWN_PRESENCE_ID);
		assertThat(this.shown.shown(bob.batchOf(id))).isEqualTo(this.shown.expected("presence-batch.json"));
		alice.disconnect();
		// Alice is still here on her phone.
		assertNothingMoreOf(bob, id);
		alicePhone.disconnect();
		assertThat(this.shown.shown(bob.batchOf(id))).isEqualTo(this.shown.expected("presence-gone.json"));
	}

	@Test
	void objectsThatDoNotChangeForTheirTimeToLiveAreDeleted() throws Exception {
		ReceivedFrames bob = subscribed("bob", "typing");
		StompSession alice = this.clients.connect("alice");
		ReceivedFrames replies = subscribe(alice, REPLIES);
		long sent = System.nanoTime();
		send(alice, "/app/entanglement/typing/propose",
				"{\"requestId\":\"" + UUID.randomUUID() + "\",\"state\":{\"group\":\"hikers\"}}");
		String id = replies.next().json().get("id").asString();
		assertThat(bob.changesOf(id, (change) -> true)).extracting((change) -> change.get("op").asString())
			.containsExactly("upsert");
		JsonNode gone = bob.changesOf(id, (change) -> true).get(0);
		assertThat(gone.get("op").asString()).isEqualTo("delete");
		assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(TTL);
	}

	@Test
	void everyVersionOfAMessageArrivesInOrder() throws Exception {
		ReceivedFrames bob = subscribed("bob", "message");
		StompSession alice = this.clients.connect("alice");
		ReceivedFrames replies = subscribe(alice, REPLIES);
		send(alice, "/app/entanglement/message/propose",
				"{\"requestId\":\"" + UUID.randomUUID() + "\",\"state\":{\"group\":\"hikers\",\"text\":\"On my w\"}}");
		String id = replies.next().json().get("id").asString();
		int edits = 20;
		for (int i = 1; i <= edits; i++) {
			send(alice, "/app/entanglement/message/propose", "{\"requestId\":\"" + UUID.randomUUID() + "\",\"id\":\""
					+ id + "\",\"state\":{\"text\":\"On my way (edit " + i + ")\"}}");
		}
		List<Long> versions = new ArrayList<>();
		for (JsonNode change : bob.changesOf(id, (change) -> change.get("version").asLong() == edits)) {
			versions.add(change.get("version").asLong());
		}
		assertThat(versions).containsExactlyElementsOf(LongStream.rangeClosed(0, edits).boxed().toList());
	}

	@Test
	void aCallIsAnsweredToTheCallerOnlyWithItsResultOrItsError() throws Exception {
		this.shown.show(save(48.8584, 2.2945), SHOWN_FROM);
		String to = save(48.8530, 2.3499);
		ReceivedFrames bob = subscribed("bob", "distance");
		StompSession alice = this.clients.connect("alice");
		ReceivedFrames replies = subscribe(alice, REPLIES);
		this.shown.show(to, SHOWN_TO);
		send(alice, "/app/entanglement/distance/propose", this.shown.body("distance-call.json"));
		ReceivedFrames.Frame answer = replies.next();
		this.shown.show(answer.json().get("id").asString(), SHOWN_CALL_ID);
		assertThat(this.shown.shown(answer)).isEqualTo(this.shown.expected("distance-reply.json"));

		this.locations.deleteById(UUID.fromString(to));
		send(alice, "/app/entanglement/distance/propose", this.shown.body("distance-call.json")
			.replace(this.shown.real("distance-1"), this.shown.real("distance-2")));
		assertThat(this.shown.shown(replies.next())).isEqualTo(this.shown.expected("distance-not-found.json"));

		send(alice, "/app/entanglement/distance/propose", "{\"requestId\":\"" + this.shown.real("distance-3")
				+ "\",\"state\":{\"from\":\"" + this.shown.real(SHOWN_FROM) + "\"}}");
		JsonNode invalid = replies.next().json();
		assertThat(invalid.get("code").asString()).isEqualTo("invalid");
		assertThat(invalid.get("message").asString()).isEqualTo("'from' and 'to' must be ids of locations");
		// Calls are not objects: subscribers of the type receive nothing.
		assertThat(bob.poll(QUIET)).isNull();
	}

	@Test
	void serverCodeWritesEphemeralObjects() throws Exception {
		ReceivedFrames bob = subscribed("bob", "alert");
		// tag::server-writes[]
		SyncChange published = this.alerts.put("maintenance", null, Map.of("text", "Back at 10 pm"));
		SyncChange current = this.alerts.get("maintenance");
		boolean removed = this.alerts.remove("maintenance");
		// end::server-writes[]
		assertThat(published.owner()).isEqualTo("meetup-1");
		assertThat(current).isEqualTo(published);
		assertThat(removed).isTrue();
		// Put and removed at once, the object may coalesce into its delete: the
		// subscriber ends up with nothing, at the delete's version.
		List<JsonNode> changes = bob.changesOf("maintenance", (change) -> change.get("op").asString().equals("delete"));
		assertThat(changes).extracting((change) -> change.get("op").asString() + " " + change.get("version"))
			.endsWith("delete 1");
		assertThat(this.alerts.get("maintenance")).isNull();
	}

	@Test
	void orderingIsPartOfEachTypesRegistration() {
		assertThat(this.syncManager.store("alert").priority()).isEqualTo(10);
		assertThat(this.syncManager.store("presence").priority()).isZero();
		assertThat(this.syncManager.store("member").parentTypes()).isEqualTo(Set.of("group"));
		assertThat(this.syncManager.store("message").coalesce()).isFalse();
		assertThat(this.syncManager.store("presence").coalesce()).isTrue();
	}

	private String save(double lat, double lng) {
		return this.locations.save(new Location(null, lat, lng, "device")).getId().toString();
	}

	/**
	 * A session of the user subscribed to a type, with its snapshot received.
	 */
	private ReceivedFrames subscribed(String user, String type) throws Exception {
		ReceivedFrames frames = subscribe(this.clients.connect(user), "/entanglement/" + type);
		frames.untilSynced();
		return frames;
	}

	/**
	 * Wait long enough that a frame the server wrongly sent would have arrived, and check
	 * that no frame carried a change of the object.
	 */
	private static void assertNothingMoreOf(ReceivedFrames frames, String id) throws InterruptedException {
		ReceivedFrames.Frame frame;
		while ((frame = frames.poll(QUIET)) != null) {
			assertThat(frame.json().get("changes").valueStream().map((change) -> change.get("id").asString()))
				.doesNotContain(id);
		}
	}

}
