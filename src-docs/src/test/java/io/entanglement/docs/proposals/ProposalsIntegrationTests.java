package io.entanglement.docs.proposals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.entanglement.Proposal;
import io.entanglement.ProposalReply;
import io.entanglement.SyncViewer;
import io.entanglement.docs.gettingstarted.GettingStartedApplication;
import io.entanglement.docs.gettingstarted.Location;
import io.entanglement.docs.gettingstarted.LocationRepository;
import io.entanglement.docs.ReceivedFrames;
import io.entanglement.engine.SyncManager;
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
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.util.MimeTypeUtils;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the proposals page against the getting-started application (the same application
 * context as the guide's tests): the bodies the page shows are the ones sent and received
 * here.
 *
 * @author Entanglement
 */
@SpringBootTest(classes = GettingStartedApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class ProposalsIntegrationTests {

	/** The id the page shows for the proposed-to location. */
	private static final String SHOWN_ID = "0b7d6a52-8c1e-4c5e-9a3f-2f1d8e4b7c61";

	/** The id the page shows for a forwarded request. */
	private static final String SHOWN_REQUEST_ID = "3f6c2a9e-7d41-4b8a-9c05-1e2f3a4b5c6d";

	private static final String REPLIES = "/user/queue/entanglement/replies";

	private static final String REQUESTS = "/user/queue/entanglement/requests";

	private static final String PROPOSE = "/app/entanglement/location/propose";

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper json = JsonMapper.shared();

	@LocalServerPort
	private int port;

	@Autowired
	private LocationRepository locations;

	@Autowired
	private SyncManager syncManager;

	private final WebSocketStompClient client = new WebSocketStompClient(new StandardWebSocketClient());

	private final List<StompSession> sessions = new ArrayList<>();

	/**
	 * What the page shows, by what this test sends and receives instead: request ids are
	 * remembered per user, so each test sends ids of its own.
	 */
	private final Map<String, String> shown = new LinkedHashMap<>();

	@BeforeEach
	void uniqueRequestIds() {
		String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
		for (String requestId : List.of("move-1", "move-2", "create-1", "delete-1")) {
			this.shown.put(requestId + suffix, requestId);
		}
	}

	@AfterEach
	void disconnect() {
		this.sessions.stream().filter(StompSession::isConnected).forEach(StompSession::disconnect);
	}

	@Test
	void proposalForANodeOwnedObjectIsAppliedAtOnceAndPublished() throws Exception {
		Location location = this.locations.save(new Location(null, 48.8566, 2.3522, "device"));
		String id = show(location.getId().toString(), SHOWN_ID);
		StompSession bob = connect("bob");
		ReceivedFrames replies = subscribe(bob, REPLIES);
		ReceivedFrames batches = subscribe(bob, "/entanglement/location");
		send(bob, PROPOSE, body("propose-move.json"));
		assertThat(shown(replies.next())).isEqualTo(expected("accepted-reply.json"));
		JsonNode published = batches.change(id, 1);
		assertThat(published.get("owner").asString()).isEqualTo("meetup-1");
		assertThat(published.get("state").get("lat").asDouble()).isEqualTo(48.8584);
		Location saved = this.locations.findById(location.getId()).orElseThrow();
		assertThat(saved.getLat()).isEqualTo(48.8584);
		assertThat(saved.getDeviceToken()).isEqualTo("device");
		// A proposal based on version 0 is now stale: the current state comes back.
		send(bob, PROPOSE, body("propose-move.json").replace(real("move-1"), real("move-2")));
		assertThat(shown(replies.next())).isEqualTo(expected("conflict-reply.json"));
		send(bob, PROPOSE, body("propose-delete.json"));
		JsonNode deleted = shown(replies.next());
		assertThat(deleted.get("status").asString()).isEqualTo("accepted");
		assertThat(deleted.get("id").asString()).isEqualTo(SHOWN_ID);
		assertThat(deleted.get("version").asLong()).isEqualTo(2);
		assertThat(batches.change(id, 2).get("op").asString()).isEqualTo("delete");
		assertThat(this.locations.findById(location.getId())).isEmpty();
	}

	@Test
	void repeatedRequestIdIsAnsweredAgainAndNotAppliedTwice() throws Exception {
		Location location = this.locations.save(new Location(null, 48.8566, 2.3522, "device"));
		show(location.getId().toString(), SHOWN_ID);
		StompSession bob = connect("bob");
		ReceivedFrames replies = subscribe(bob, REPLIES);
		send(bob, PROPOSE, body("propose-move.json"));
		JsonNode first = shown(replies.next());
		assertThat(first).isEqualTo(expected("accepted-reply.json"));
		// The same request id from another session of the same user, with another body.
		StompSession bobElsewhere = connect("bob");
		ReceivedFrames elsewhere = subscribe(bobElsewhere, REPLIES);
		send(bobElsewhere, PROPOSE, body("propose-move.json").replace("48.8584", "10.0"));
		assertThat(shown(elsewhere.next())).isEqualTo(first);
		assertThat(replies.poll(Duration.ofMillis(300))).isNull();
		Location saved = this.locations.findById(location.getId()).orElseThrow();
		assertThat(saved.getVersion()).isEqualTo(1);
		assertThat(saved.getLat()).isEqualTo(48.8584);
	}

	@Test
	void createMakesTheProposerTheOwner() throws Exception {
		StompSession bob = connect("bob");
		ReceivedFrames replies = subscribe(bob, REPLIES);
		send(bob, PROPOSE, body("propose-create.json"));
		JsonNode reply = shown(replies.next());
		assertThat(reply.get("requestId").asString()).isEqualTo("create-1");
		assertThat(reply.get("status").asString()).isEqualTo("accepted");
		assertThat(reply.get("version").asLong()).isZero();
		Location created = this.locations.findById(UUID.fromString(reply.get("id").asString())).orElseThrow();
		assertThat(created.getOwner()).isEqualTo("bob");
		assertThat(created.getLat()).isEqualTo(45.764);
		assertThat(created.getDeviceToken()).isNull();
	}

	@Test
	void ownerAcceptsAForwardedProposal() throws Exception {
		Location location = this.locations.save(new Location("alice", 48.8566, 2.3522, "device"));
		show(location.getId().toString(), SHOWN_ID);
		StompSession alice = connect("alice");
		ReceivedFrames aliceReplies = subscribe(alice, REPLIES);
		ReceivedFrames requests = subscribe(alice, REQUESTS);
		ready(alice, aliceReplies);
		StompSession bob = connect("bob");
		ReceivedFrames bobReplies = subscribe(bob, REPLIES);
		send(bob, PROPOSE, body("propose-move.json"));
		ReceivedFrames.Frame request = requests.next();
		String requestId = show(request.json().get("requestId").asString(), SHOWN_REQUEST_ID);
		assertThat(shown(request)).isEqualTo(expected("owner-request.json"));
		send(alice, "/app/entanglement/requests/" + requestId, body("owner-accept.json"));
		assertThat(shown(bobReplies.next())).isEqualTo(expected("accepted-reply.json"));
		JsonNode taken = aliceReplies.next().json();
		assertThat(taken.get("requestId").asString()).isEqualTo(requestId);
		assertThat(taken.get("status").asString()).isEqualTo("accepted");
		assertThat(taken.get("version").asLong()).isEqualTo(1);
		Location saved = this.locations.findById(location.getId()).orElseThrow();
		// The proposer's latitude, the owner's longitude.
		assertThat(saved.getLat()).isEqualTo(48.8584);
		assertThat(saved.getLng()).isEqualTo(2.2950);
		assertThat(saved.getOwner()).isEqualTo("alice");
	}

	@Test
	void ownerRejectsAForwardedProposalAndOnlyTheFirstAnswerOfTheOwnerCounts() throws Exception {
		Location location = this.locations.save(new Location("alice", 48.8566, 2.3522, "device"));
		String id = show(location.getId().toString(), SHOWN_ID);
		StompSession alice = connect("alice");
		ReceivedFrames aliceReplies = subscribe(alice, REPLIES);
		ReceivedFrames requests = subscribe(alice, REQUESTS);
		ready(alice, aliceReplies);
		StompSession bob = connect("bob");
		ReceivedFrames bobReplies = subscribe(bob, REPLIES);
		send(bob, PROPOSE, body("propose-move.json"));
		String requestId = requests.next().json().get("requestId").asString();
		// Only the owner may answer; the request stays open.
		send(bob, "/app/entanglement/requests/" + requestId, body("owner-accept.json"));
		JsonNode notOwner = bobReplies.next().json();
		assertThat(notOwner.get("requestId").asString()).isEqualTo(requestId);
		assertThat(notOwner.get("code").asString()).isEqualTo("forbidden");
		send(alice, "/app/entanglement/requests/" + requestId, body("owner-reject.json"));
		assertThat(shown(bobReplies.next())).isEqualTo(expected("rejected-reply.json"));
		JsonNode taken = aliceReplies.next().json();
		assertThat(taken.get("status").asString()).isEqualTo("accepted");
		assertThat(taken.get("id").asString()).isEqualTo(id);
		assertThat(taken.has("version")).isFalse();
		send(alice, "/app/entanglement/requests/" + requestId, body("owner-accept.json"));
		assertThat(aliceReplies.next().json().get("code").asString()).isEqualTo("conflict");
		Location saved = this.locations.findById(location.getId()).orElseThrow();
		assertThat(saved.getVersion()).isZero();
		assertThat(saved.getLat()).isEqualTo(48.8566);
	}

	@Test
	void proposalForAnObjectOfADisconnectedOwnerIsRefused() throws Exception {
		Location location = this.locations.save(new Location("carol", 43.2965, 5.3698, "device"));
		show(location.getId().toString(), SHOWN_ID);
		StompSession bob = connect("bob");
		ReceivedFrames replies = subscribe(bob, REPLIES);
		send(bob, PROPOSE, body("propose-move.json"));
		JsonNode reply = shown(replies.next());
		assertThat(reply.get("requestId").asString()).isEqualTo("move-1");
		assertThat(reply.get("code").asString()).isEqualTo("owner-unreachable");
	}

	@Test
	void unknownObjectsAndTypesAreRefused() throws Exception {
		StompSession bob = connect("bob");
		ReceivedFrames replies = subscribe(bob, REPLIES);
		send(bob, PROPOSE, body("propose-move.json").replace(SHOWN_ID, UUID.randomUUID().toString()));
		assertThat(replies.next().json().get("code").asString()).isEqualTo("not-found");
		send(bob, PROPOSE,
				body("propose-move.json").replace(SHOWN_ID, "not-a-uuid").replace(real("move-1"), real("move-2")));
		assertThat(replies.next().json().get("code").asString()).isEqualTo("not-found");
		send(bob, "/app/entanglement/planet/propose", body("propose-create.json"));
		JsonNode unknownType = shown(replies.next());
		assertThat(unknownType.get("requestId").asString()).isEqualTo("create-1");
		assertThat(unknownType.get("code").asString()).isEqualTo("unknown-type");
	}

	@Test
	void invalidProposalsAreRefusedAndChangeNothing() throws Exception {
		Location location = this.locations.save(new Location(null, 48.8566, 2.3522, "device"));
		String id = location.getId().toString();
		long count = this.locations.count();
		show(location.getId().toString(), "ID");
		StompSession bob = connect("bob");
		ReceivedFrames replies = subscribe(bob, REPLIES);
		assertInvalid(bob, replies, "{'requestId':'i1','state':{'lat':1},'colour':'red'}", "i1",
				"Unknown field 'colour'");
		assertInvalid(bob, replies, "{'requestId':'i2','id':'ID','state':{'owner':'bob'}}", "i2",
				"'owner' is decided by the owner and cannot be proposed");
		assertInvalid(bob, replies, "{'requestId':'i3','id':'ID','state':{'version':9}}", "i3",
				"'version' is decided by the owner and cannot be proposed");
		assertInvalid(bob, replies, "{'requestId':'i4','state':{'id':'ID'}}", "i4",
				"'id' is decided by the owner and cannot be proposed");
		assertInvalid(bob, replies, "{'requestId':'i5','id':'ID','state':{'deviceToken':'x'}}", "i5",
				"'deviceToken' is not an attribute of location");
		assertInvalid(bob, replies, "{'requestId':'i6','state':{'altitude':35}}", "i6",
				"'altitude' is not an attribute of location");
		assertInvalid(bob, replies, "{'requestId':'i7','state':{'lat':'north','lng':2}}", "i7",
				"'lat' does not accept a string");
		assertInvalid(bob, replies, "{'requestId':'i8','id':'ID','state':{'lat':null}}", "i8",
				"'lat' does not accept null");
		assertInvalid(bob, replies, "{'requestId':'i9','state':{'lat':1},'transition':'t1'}", "i9",
				"A transition commits a change of an existing object");
		assertInvalid(bob, replies, "{'requestId':'i10','delete':true}", "i10", "A delete needs an id");
		assertInvalid(bob, replies, "{'requestId':'i16','id':'ID','transition':7}", "i16",
				"'transition' must be a string of 1 to 100 characters");
		assertInvalid(bob, replies, "{'requestId':'i11','id':'ID','baseVersion':'0'}", "i11",
				"'baseVersion' must be an integer");
		assertInvalid(bob, replies, "{'state':{'lat':1}}", null, "'requestId' must be a string of 1 to 100 characters");
		assertInvalid(bob, replies, "{'requestId':'i13',", null, "Malformed JSON");
		String deep = "[".repeat(20) + "]".repeat(20);
		assertInvalid(bob, replies, "{'requestId':'i14','state':{'lat':" + deep + "}}", null, "Malformed JSON");
		assertInvalid(bob, replies, "['i15']", null, "The body must be a JSON object");
		Location unchanged = this.locations.findById(location.getId()).orElseThrow();
		assertThat(unchanged.getVersion()).isZero();
		assertThat(this.locations.count()).isEqualTo(count);
	}

	@Test
	void javaCodeProposesThroughTheSyncManager() throws Exception {
		Location location = this.locations.save(new Location("alice", 48.8566, 2.3522, "device"));
		String id = location.getId().toString();
		String requestId = real("move-1");
		Authentication authentication = UsernamePasswordAuthenticationToken.authenticated("alice", null, List.of());
		// tag::java-propose[]
		SyncViewer proposer = new SyncViewer("rest-api", authentication);
		Proposal move = new Proposal(requestId, "location", id, null, Map.of("lat", 45.764, "lng", 4.8357), false);
		ProposalReply reply = this.syncManager.propose(proposer, move).get(10, TimeUnit.SECONDS);
		if (reply.isAccepted()) {
			// reply.id() and reply.version() name the version the change created
		}
		else {
			// reply.code() says why, such as "forbidden" or "conflict"
		}
		// end::java-propose[]
		assertThat(reply.isAccepted()).isTrue();
		assertThat(reply.requestId()).isEqualTo(requestId);
		assertThat(reply.id()).isEqualTo(id);
		assertThat(reply.version()).isEqualTo(1);
		// Alice owns the location: her proposal was applied at once, and only once.
		ProposalReply again = this.syncManager.propose(proposer, move).get(10, TimeUnit.SECONDS);
		assertThat(again).isEqualTo(reply);
		Location saved = this.locations.findById(location.getId()).orElseThrow();
		assertThat(saved.getVersion()).isEqualTo(1);
		assertThat(saved.getLat()).isEqualTo(45.764);
	}

	/**
	 * Send a body written with single quotes, the object id as {@code ID} and request ids
	 * such as {@code i1}, and check that it is refused as invalid.
	 */
	private void assertInvalid(StompSession session, ReceivedFrames replies, String body, @Nullable String requestId,
			String message) throws Exception {
		String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
		String sent = body.replaceAll("'(i[0-9]+)'", "'$1" + suffix + "'").replace("'ID'", "'" + real("ID") + "'");
		send(session, PROPOSE, sent.replace('\'', '"'));
		JsonNode reply = replies.next().json();
		assertThat(reply.get("status").asString()).as(body).isEqualTo("rejected");
		assertThat(reply.get("code").asString()).as(body).isEqualTo("invalid");
		assertThat(reply.get("message").asString()).as(body).startsWith(message);
		if (requestId != null) {
			assertThat(reply.get("requestId").asString()).as(body).isEqualTo(requestId + suffix);
		}
		else {
			assertThat(reply.has("requestId")).as(body).isFalse();
		}
	}

	/**
	 * Wait until the SUBSCRIBE frames the session sent so far have been handled: the
	 * session's frames are handled in order, and an answer to a request that does not
	 * exist is refused on its replies queue.
	 */
	private static void ready(StompSession session, ReceivedFrames replies) throws Exception {
		send(session, "/app/entanglement/requests/no-such-request", "{\"decision\":\"reject\"}");
		assertThat(replies.next().json().get("code").asString()).isEqualTo("conflict");
	}

	private StompSession connect(String user) throws Exception {
		WebSocketHttpHeaders handshake = new WebSocketHttpHeaders();
		handshake.setBasicAuth(user, "password");
		StompSession session = this.client.connectAsync("ws://localhost:" + this.port + "/entanglement", handshake,
				new StompHeaders(), new StompSessionHandlerAdapter() {
				})
			.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		this.sessions.add(session);
		return session;
	}

	private static ReceivedFrames subscribe(StompSession session, String destination) {
		ReceivedFrames messages = new ReceivedFrames();
		session.subscribe(destination, messages);
		return messages;
	}

	private static void send(StompSession session, String destination, String body) {
		StompHeaders headers = new StompHeaders();
		headers.setDestination(destination);
		headers.setContentType(MimeTypeUtils.APPLICATION_JSON);
		session.send(headers, body.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Record that the page shows a value this test sends or receives as another.
	 * @return the real value
	 */
	private String show(String real, String shown) {
		this.shown.put(real, shown);
		return real;
	}

	/**
	 * The value this test uses where the page shows the given one.
	 */
	private String real(String shown) {
		return this.shown.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().equals(shown))
			.map(Map.Entry::getKey)
			.findFirst()
			.orElseThrow();
	}

	/**
	 * A body the page shows, with the values this test uses instead.
	 */
	private String body(String name) throws IOException {
		String body = read(name);
		for (Map.Entry<String, String> entry : this.shown.entrySet()) {
			body = body.replace("\"" + entry.getValue() + "\"", "\"" + entry.getKey() + "\"");
		}
		return body;
	}

	/**
	 * A received body as the page shows it.
	 */
	private JsonNode shown(ReceivedFrames.Frame message) {
		String body = message.body();
		for (Map.Entry<String, String> entry : this.shown.entrySet()) {
			body = body.replace("\"" + entry.getKey() + "\"", "\"" + entry.getValue() + "\"");
		}
		return json.readTree(body);
	}

	private static JsonNode expected(String name) throws IOException {
		return json.readTree(read(name));
	}

	private static String read(String name) throws IOException {
		try (InputStream in = ProposalsIntegrationTests.class.getResourceAsStream(name)) {
			assertThat(in).as(name).isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
