package io.entanglement.docs.transitions;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.entanglement.docs.ReceivedFrames;
import io.entanglement.docs.ShownValues;
import io.entanglement.docs.StompClients;
import io.entanglement.docs.gettingstarted.GettingStartedApplication;
import io.entanglement.docs.gettingstarted.Location;
import io.entanglement.docs.gettingstarted.LocationRepository;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.simp.stomp.StompSession;

import static io.entanglement.docs.StompClients.REPLIES;
import static io.entanglement.docs.StompClients.REQUESTS;
import static io.entanglement.docs.StompClients.send;
import static io.entanglement.docs.StompClients.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the transitions page against the getting-started application, with the page's
 * transition settings: the frames the page shows are the ones sent and received here, and
 * every way a transition ends is played out.
 *
 * @author Entanglement
 */
@SpringBootTest(classes = GettingStartedApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.config.import=classpath:io/entanglement/docs/transitions/transitions.yml")
class TransitionsIntegrationTests {

	/** The id the page shows for the dragged location. */
	private static final String SHOWN_ID = "0b7d6a52-8c1e-4c5e-9a3f-2f1d8e4b7c61";

	private static final String TRANSITION = "/app/entanglement/location/transition";

	private static final String PROPOSE = "/app/entanglement/location/propose";

	/** The page's {@code entanglement.transitions.ttl}. */
	private static final Duration TTL = Duration.ofSeconds(2);

	/** The page's {@code entanglement.transitions.max-rate}. */
	private static final int MAX_RATE = 10;

	/** Long enough that a frame the server wrongly sent would have arrived. */
	private static final Duration QUIET = Duration.ofMillis(500);

	@LocalServerPort
	private int port;

	@Autowired
	private LocationRepository locations;

	private final ShownValues shown = new ShownValues(TransitionsIntegrationTests.class);

	private StompClients clients;

	@BeforeEach
	void connect() {
		this.clients = new StompClients(this.port);
		this.shown.uniqueRequestIds("drop-1", "drop-2");
	}

	@AfterEach
	void disconnect() {
		this.clients.close();
	}

	@Test
	void viewersSeeTheDragAndTheProposalCarryingItsIdCommitsIt() throws Exception {
		String id = location(null);
		Viewer alice = viewer("alice");
		Viewer bob = viewer("bob");
		send(alice.session, TRANSITION, this.shown.body("transition-update.json"));
		assertThat(this.shown.shown(bob.frames.batchOf(id))).isEqualTo(this.shown.expected("transition-batch.json"));

		send(alice.session, PROPOSE, this.shown.body("transition-commit.json"));
		JsonNode reply = this.shown.shown(alice.replies.next());
		assertThat(reply.get("requestId").asString()).isEqualTo("drop-1");
		assertThat(reply.get("status").asString()).isEqualTo("accepted");
		assertThat(reply.get("version").asLong()).isEqualTo(1);
		List<JsonNode> changes = bob.frames.changesOf(id, TransitionsIntegrationTests::isEnd);
		assertThat(this.shown.shown(json(changes)))
			.isEqualTo(this.shown.expected("committed-batch.json").get("changes"));
		// The initiator never sees its own drag: only the committed change.
		List<JsonNode> initiator = alice.frames.changesOf(id, (change) -> op(change).equals("upsert"));
		assertThat(initiator).extracting(TransitionsIntegrationTests::op).containsExactly("upsert");
		assertNothingMoreOf(alice.frames, id);
		assertNothingMoreOf(bob.frames, id);
		assertThat(this.locations.findById(UUID.fromString(id)).orElseThrow().getLat()).isEqualTo(48.8606);
	}

	@Test
	void anotherTransitionOnTheObjectBreaksTheFirstAndItsInitiatorIsTold() throws Exception {
		String id = location(null);
		Viewer alice = viewer("alice");
		Viewer bob = viewer("bob");
		send(alice.session, TRANSITION, this.shown.body("transition-update.json"));
		bob.frames.changesOf(id, (change) -> op(change).equals("transition"));
		send(bob.session, TRANSITION, drag(id, "drag-2", 48.8600));
		List<JsonNode> seen = bob.frames.changesOf(id, TransitionsIntegrationTests::isEnd);
		assertThat(seen.get(seen.size() - 1).get("transition").asString()).isEqualTo("drag-1");
		assertThat(seen.get(seen.size() - 1).get("reason").asString()).isEqualTo("broken");
		assertThat(this.shown.shown(alice.replies.next())).isEqualTo(this.shown.expected("broken-reply.json"));
		// Alice now watches Bob's drag.
		JsonNode bobsDrag = last(alice.frames.changesOf(id, (change) -> op(change).equals("transition")));
		assertThat(bobsDrag.get("transition").asString()).isEqualTo("drag-2");
		assertThat(bobsDrag.get("by").asString()).isEqualTo("bob");
		// The broken transition can no longer be committed.
		send(alice.session, PROPOSE, this.shown.body("transition-commit.json"));
		JsonNode refused = alice.replies.next().json();
		assertThat(refused.get("code").asString()).isEqualTo("transition-broken");
		assertThat(refused.get("message").asString()).isEqualTo("Transition 'drag-1' has ended");
	}

	@Test
	void aCommitThatIsNotTheTransitionsOwnBreaksIt() throws Exception {
		String id = location(null);
		Viewer alice = viewer("alice");
		Viewer bob = viewer("bob");
		send(alice.session, TRANSITION, this.shown.body("transition-update.json"));
		bob.frames.changesOf(id, (change) -> op(change).equals("transition"));
		Location location = this.locations.findById(UUID.fromString(id)).orElseThrow();
		location.moveTo(48.8530, 2.3499);
		this.locations.save(location);
		List<JsonNode> changes = bob.frames.changesOf(id, TransitionsIntegrationTests::isEnd);
		assertThat(changes).extracting(TransitionsIntegrationTests::op).endsWith("upsert", "transition-end");
		assertThat(changes.get(changes.size() - 1).get("reason").asString()).isEqualTo("broken");
		JsonNode told = alice.replies.next().json();
		assertThat(told.get("code").asString()).isEqualTo("transition-broken");
		assertThat(told.get("reason").asString()).isEqualTo("broken");
	}

	@Test
	void aTransitionNobodyUpdatesExpires() throws Exception {
		String id = location(null);
		Viewer alice = viewer("alice");
		Viewer bob = viewer("bob");
		long sent = System.nanoTime();
		send(alice.session, TRANSITION, this.shown.body("transition-update.json"));
		bob.frames.changesOf(id, (change) -> op(change).equals("transition"));
		JsonNode end = last(bob.frames.changesOf(id, TransitionsIntegrationTests::isEnd));
		assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(TTL);
		assertThat(end.get("reason").asString()).isEqualTo("expired");
		JsonNode told = alice.replies.next().json();
		assertThat(told.get("code").asString()).isEqualTo("transition-broken");
		assertThat(told.get("reason").asString()).isEqualTo("expired");
		assertNothingMoreOf(bob.frames, id);
	}

	@Test
	void theInitiatorLeavingBreaksTheTransition() throws Exception {
		String id = location(null);
		Viewer alice = viewer("alice");
		Viewer bob = viewer("bob");
		send(alice.session, TRANSITION, this.shown.body("transition-update.json"));
		bob.frames.changesOf(id, (change) -> op(change).equals("transition"));
		alice.session.disconnect();
		JsonNode end = last(bob.frames.changesOf(id, TransitionsIntegrationTests::isEnd));
		assertThat(end.get("transition").asString()).isEqualTo("drag-1");
		assertThat(end.get("reason").asString()).isEqualTo("broken");
	}

	@Test
	void theOwnerSeesTheDragAndRejectingItsCommitEndsIt() throws Exception {
		String id = location("alice");
		Viewer alice = viewer("alice");
		ReceivedFrames requests = subscribe(alice.session, REQUESTS);
		Viewer bob = viewer("bob");
		send(bob.session, TRANSITION, drag(id, "drag-1", 48.8600));
		JsonNode drag = last(alice.frames.changesOf(id, (change) -> op(change).equals("transition")));
		assertThat(drag.get("by").asString()).isEqualTo("bob");
		send(bob.session, PROPOSE, this.shown.body("transition-commit.json"));
		String requestId = requests.next().json().get("requestId").asString();
		send(alice.session, "/app/entanglement/requests/" + requestId,
				"{\"decision\":\"reject\",\"code\":\"conflict\",\"message\":\"Meet at the arch instead\"}");
		JsonNode rejected = bob.replies.next().json();
		assertThat(rejected.get("code").asString()).isEqualTo("conflict");
		assertThat(rejected.get("message").asString()).isEqualTo("Meet at the arch instead");
		JsonNode end = last(alice.frames.changesOf(id, TransitionsIntegrationTests::isEnd));
		assertThat(end.get("reason").asString()).isEqualTo("rejected");
		// The rejection is the initiator's news: no transition-broken on top of it.
		assertThat(bob.replies.poll(QUIET)).isNull();
		assertThat(this.locations.findById(UUID.fromString(id)).orElseThrow().getVersion()).isZero();
	}

	@Test
	void aCommitRefusedBeforeItIsAppliedRejectsTheTransition() throws Exception {
		String id = location(null);
		Viewer alice = viewer("alice");
		Viewer bob = viewer("bob");
		send(alice.session, TRANSITION, this.shown.body("transition-update.json"));
		bob.frames.changesOf(id, (change) -> op(change).equals("transition"));
		send(alice.session, PROPOSE,
				this.shown.body("transition-commit.json").replace("\"baseVersion\":0", "\"baseVersion\":5"));
		assertThat(alice.replies.next().json().get("code").asString()).isEqualTo("conflict");
		assertThat(bob.frames.changesOf(id, TransitionsIntegrationTests::isEnd)).last()
			.satisfies((end) -> assertThat(end.get("reason").asString()).isEqualTo("rejected"));
		// The transition is over: proposing it again is refused, and nothing is applied.
		send(alice.session, PROPOSE, this.shown.body("transition-commit.json")
			.replace(this.shown.real("drop-1"), this.shown.real("drop-2")));
		assertThat(alice.replies.next().json().get("code").asString()).isEqualTo("transition-broken");
		assertThat(this.locations.findById(UUID.fromString(id)).orElseThrow().getVersion()).isZero();
	}

	@Test
	void updatesCoalesceToEachViewersRate() throws Exception {
		String id = location(null);
		Viewer alice = viewer("alice");
		Viewer bob = viewer("bob");
		int updates = 40;
		long start = System.nanoTime();
		for (int i = 1; i <= updates; i++) {
			send(alice.session, TRANSITION, drag(id, "drag-1", 48.8500 + i / 10_000.0));
		}
		double last = 48.8500 + updates / 10_000.0;
		List<JsonNode> received = bob.frames.changesOf(id,
				(change) -> op(change).equals("transition") && change.get("state").get("lat").asDouble() == last);
		double seconds = (System.nanoTime() - start) / 1e9;
		assertThat(received).allSatisfy((change) -> assertThat(op(change)).isEqualTo("transition"));
		// Fewer updates than were sent, at most ten frames a second (and the first at
		// once).
		assertThat(received).hasSizeLessThan(updates).hasSizeLessThanOrEqualTo((int) Math.ceil(seconds * MAX_RATE) + 1);
	}

	@Test
	void aRefusedTransitionIsAnsweredToItsInitiatorOnly() throws Exception {
		String id = location(null);
		Viewer alice = viewer("alice");
		Viewer bob = viewer("bob");
		send(alice.session, TRANSITION,
				this.shown.body("transition-update.json").replace("\"lng\":2.3398", "\"altitude\":35"));
		assertThat(this.shown.shown(alice.replies.next())).isEqualTo(this.shown.expected("refused-transition.json"));
		send(alice.session, TRANSITION, drag(UUID.randomUUID().toString(), "drag-2", 48.8600));
		assertThat(alice.replies.next().json().get("code").asString()).isEqualTo("not-found");
		assertNothingMoreOf(bob.frames, id);
	}

	/**
	 * A location of the given owner ({@code null} for the node), whose id the page shows.
	 */
	private String location(@Nullable String owner) {
		Location location = this.locations.save(new Location(owner, 48.8566, 2.3522, "device"));
		return this.shown.show(location.getId().toString(), SHOWN_ID);
	}

	/**
	 * A session of the user, subscribed to its replies and to locations, with the
	 * locations' snapshot received.
	 */
	private Viewer viewer(String user) throws Exception {
		StompSession session = this.clients.connect(user);
		ReceivedFrames replies = subscribe(session, REPLIES);
		ReceivedFrames frames = subscribe(session, "/entanglement/location");
		frames.untilSynced();
		return new Viewer(session, replies, frames);
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

	private static String drag(String id, String transition, double lat) {
		return "{\"id\":\"" + id + "\",\"transition\":\"" + transition + "\",\"state\":{\"lat\":" + lat + "}}";
	}

	private static JsonNode last(List<JsonNode> changes) {
		return changes.get(changes.size() - 1);
	}

	private static String op(JsonNode change) {
		return change.get("op").asString();
	}

	private static boolean isEnd(JsonNode change) {
		return op(change).equals("transition-end");
	}

	private static JsonNode json(List<JsonNode> changes) {
		return JsonMapper.shared().valueToTree(changes);
	}

	private record Viewer(StompSession session, ReceivedFrames replies, ReceivedFrames frames) {
	}

}
