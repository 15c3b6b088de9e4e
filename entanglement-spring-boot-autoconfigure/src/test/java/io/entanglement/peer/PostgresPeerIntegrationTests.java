package io.entanglement.peer;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.entanglement.MirroredObjectException;
import io.entanglement.ObjectKey;
import io.entanglement.OwnerDecision;
import io.entanglement.ProposalReply;
import io.entanglement.SyncChange;
import io.entanglement.SyncViewer;
import io.entanglement.engine.SessionOutbox;
import io.entanglement.engine.SyncManager;
import io.entanglement.peer.node.PeerNodeApplication;
import io.entanglement.peer.node.Waypoint;
import io.entanglement.peer.node.WaypointRepository;
import io.entanglement.testapp.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.web.socket.WebSocketHttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Three nodes in a ring, each with a database of its own: B is a peer of A, C a peer of
 * B, and A a peer of C. Objects flow A to B to C (B is C's gateway to A), proposals flow
 * back hop by hop, and nothing loops around the ring.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresPeerIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	/** Long enough for a leak to have arrived. */
	private static final Duration QUIET = Duration.ofSeconds(2);

	private static Node a;

	private static Node b;

	private static Node c;

	@BeforeAll
	static void startNodes() throws Exception {
		int portA = freePort();
		int portB = freePort();
		int portC = freePort();
		// The owner answers within 1 s; the hops downstream wait longer, so the owner's
		// own timeout is what comes back.
		Map<String, Object> ports = Map.of("node.a.port", portA, "node.b.port", portB, "node.c.port", portC);
		a = Node.start("a", portA, "1s", ports, Map.of("node.deny.node-b", "secret"));
		b = Node.start("b", portB, "4s", ports, Map.of("node.deny.bob", "blue"));
		c = Node.start("c", portC, "6s", ports, Map.of());
		for (Node node : List.of(a, b, c)) {
			await().atMost(TIMEOUT).until(() -> node.links().links().stream().allMatch(PeerLink::isConnected));
		}
	}

	@AfterAll
	static void stopNodes() {
		for (Node node : new Node[] { c, b, a }) {
			if (node != null) {
				node.context().close();
			}
		}
	}

	@Test
	@Order(1)
	void objectsAreMirroredWithTheirOwnerAndVersionAndRepublishedThroughTheGateway() throws Exception {
		Waypoint camp = new Waypoint("camp", "red", 1);
		camp.setOwner("alice");
		camp = a.waypoints().save(camp);
		camp.setLat(2);
		camp = a.waypoints().save(camp);
		String id = camp.getId();
		long version = camp.getVersion();
		for (Node node : List.of(b, c)) {
			await().atMost(TIMEOUT).untilAsserted(() -> {
				SyncChange mirrored = node.find(id);
				assertThat(mirrored).isNotNull();
				assertThat(mirrored.version()).isEqualTo(version);
				assertThat(mirrored.owner()).isEqualTo("alice");
				assertThat(mirrored.state()).containsEntry("lat", 2.0);
			});
		}
		assertThat(b.manager().mirroredFrom(new ObjectKey("waypoint", id))).isEqualTo("a");
		assertThat(c.manager().mirroredFrom(new ObjectKey("waypoint", id))).isEqualTo("b");
		// A client of C, two hops from the owner, sees the object.
		View view = new View();
		try (EntanglementClient carol = c.connect("carol")) {
			carol.subscribe("waypoint", null, Map.of(), view);
			await().atMost(TIMEOUT).until(() -> view.synced() && view.objects().containsKey(id));
			assertThat(view.objects().get(id).version()).isEqualTo(version);
		}
		// The token is kept durably, per peer and type.
		assertThat(b.jdbc()
			.queryForObject(
					"SELECT COUNT(*) FROM entanglement_peer_token WHERE peer = 'a' AND object_type = 'waypoint'",
					Integer.class))
			.isOne();
	}

	@Test
	@Order(2)
	void aRingDoesNotLoop() throws Exception {
		Waypoint tower = a.waypoints().save(new Waypoint("tower", "red", 1));
		String id = tower.getId();
		await().atMost(TIMEOUT).until(() -> c.find(id) != null);
		// C re-publishes the object to A, which owns it and refuses it.
		// The links fall quiet: a loop would keep them busy.
		long[][] last = { received() };
		await().pollInterval(QUIET).atMost(TIMEOUT).until(() -> {
			long[] now = received();
			boolean quiet = Arrays.equals(now, last[0]);
			last[0] = now;
			return quiet;
		});
		assertThat(a.manager().mirroredFrom(new ObjectKey("waypoint", id))).isNull();
		assertThat(a.find(id).version()).isEqualTo(tower.getVersion());
		assertThat(b.find(id).version()).isEqualTo(tower.getVersion());
		// An object C owns goes round to A and B, and is never taken back by C.
		Waypoint hut = new Waypoint("hut", "red", 5);
		hut.setOwner("c");
		String hutId = c.waypoints().save(hut).getId();
		await().atMost(TIMEOUT).until(() -> b.find(hutId) != null);
		assertThat(a.manager().mirroredFrom(new ObjectKey("waypoint", hutId))).isEqualTo("c");
		assertThat(b.manager().mirroredFrom(new ObjectKey("waypoint", hutId))).isEqualTo("a");
		assertThat(c.manager().mirroredFrom(new ObjectKey("waypoint", hutId))).isNull();
	}

	@Test
	@Order(3)
	void updatesAreAcceptedOnlyFromTheNextHopTowardTheOwner() {
		Waypoint ridge = a.waypoints().save(new Waypoint("ridge", "red", 1));
		String id = ridge.getId();
		await().atMost(TIMEOUT).until(() -> c.find(id) != null);
		ObjectKey key = new ObjectKey("waypoint", id);
		SyncChange forged = SyncChange.upsert(key, "mallory", 99, Map.of("name", "forged", "team", "red", "lat", 9.0));
		// B learned the object from A: C is not its next hop.
		assertThat(b.manager().mirror("c", "waypoint", List.of(forged))).isEmpty();
		// A owns it: nobody else may write it.
		assertThat(a.manager().mirror("c", "waypoint", List.of(forged))).isEmpty();
		assertThat(
				a.manager()
					.mirror("c", "waypoint", List
						.of(SyncChange.upsert(key, "a", 99, Map.of("name", "forged", "team", "red", "lat", 9.0)))))
			.isEmpty();
		assertThat(b.find(id).state()).containsEntry("name", "ridge");
		assertThat(a.find(id).state()).containsEntry("name", "ridge");
		// Local code cannot overwrite a mirrored row.
		// tag::mirrored-write[]
		Waypoint mirrored = b.waypoints().findById(id).orElseThrow();
		mirrored.setLat(50);
		assertThatExceptionOfType(MirroredObjectException.class).isThrownBy(() -> b.waypoints().save(mirrored));
		// end::mirrored-write[]
		assertThat(b.find(id).state()).containsEntry("lat", 1.0);
	}

	@Test
	@Order(4)
	void proposalsTravelTwoHopsToTheOwnerAndTheReplyComesBack() throws Exception {
		Waypoint nodeOwned = a.waypoints().save(new Waypoint("depot", "red", 1));
		Waypoint aliceOwned = new Waypoint("meeting point", "red", 1);
		aliceOwned.setOwner("alice");
		aliceOwned = a.waypoints().save(aliceOwned);
		Waypoint stalled = new Waypoint("stalled", "red", 1);
		stalled.setOwner("alice");
		stalled = a.waypoints().save(stalled);
		String depot = nodeOwned.getId();
		String meeting = aliceOwned.getId();
		String stall = stalled.getId();
		await().atMost(TIMEOUT).until(() -> c.find(depot) != null && c.find(meeting) != null && c.find(stall) != null);
		try (EntanglementClient alice = a.connect("alice"); EntanglementClient bob = c.connect("bob")) {
			alice.onRequest((request) -> request.id().equals(stall) ? new CompletableFuture<>()
					: CompletableFuture.completedFuture(new OwnerDecision(false, Map.of(), "forbidden", "Not there")));
			// tag::propose[]
			ProposalReply accepted = bob.propose("waypoint", depot, Map.of("lat", 7), nodeOwned.getVersion())
				.get(10, TimeUnit.SECONDS);
			// end::propose[]
			assertThat(accepted.isAccepted()).isTrue();
			assertThat(accepted.id()).isEqualTo(depot);
			assertThat(a.find(depot).state()).containsEntry("lat", 7.0);
			await().atMost(TIMEOUT).until(() -> c.find(depot).version() == accepted.version());
			ProposalReply rejected = bob.propose("waypoint", meeting, Map.of("lat", 7), null).get(10, TimeUnit.SECONDS);
			assertThat(rejected.code()).isEqualTo("forbidden");
			assertThat(rejected.message()).isEqualTo("Not there");
			ProposalReply timedOut = bob.propose("waypoint", stall, Map.of("lat", 7), null).get(10, TimeUnit.SECONDS);
			assertThat(timedOut.code()).isEqualTo("timeout");
			// The owner's node gave up first, and its answer came back two hops.
			assertThat(timedOut.message()).contains("1000 ms");
			assertThat(a.find(meeting).state()).containsEntry("lat", 1.0);
			assertThat(a.find(stall).state()).containsEntry("lat", 1.0);
		}
	}

	@Test
	@Order(5)
	void theGatewayShowsItsClientsOnlyWhatBothNodesPermit() throws Exception {
		String red = a.waypoints().save(new Waypoint("red flag", "red", 1)).getId();
		String blue = a.waypoints().save(new Waypoint("blue flag", "blue", 1)).getId();
		String secret = a.waypoints().save(new Waypoint("secret flag", "secret", 1)).getId();
		await().atMost(TIMEOUT).until(() -> b.find(red) != null && b.find(blue) != null);
		View alice = new View();
		View bob = new View();
		try (EntanglementClient aliceClient = b.connect("alice"); EntanglementClient bobClient = b.connect("bob")) {
			aliceClient.subscribe("waypoint", null, Map.of(), alice);
			bobClient.subscribe("waypoint", null, Map.of(), bob);
			await().atMost(TIMEOUT).until(() -> alice.synced() && bob.synced());
			// B permits alice both teams; bob only red. A never lets B have the secret
			// one.
			await().during(QUIET).atMost(QUIET.multipliedBy(3)).untilAsserted(() -> {
				assertThat(alice.objects()).containsKeys(red, blue).doesNotContainKey(secret);
				assertThat(bob.objects()).containsKey(red).doesNotContainKeys(blue, secret);
			});
		}
		assertThat(b.find(secret)).isNull();
		assertThat(c.find(secret)).isNull();
		assertThat(a.find(secret)).isNotNull();
	}

	@Test
	@Order(6)
	void aLinkAsksForItsOwnBandwidthCapBelowTheServersCap() {
		SessionOutbox link = b.manager()
			.outboxes()
			.stream()
			.filter((outbox) -> "node-c".equals(outbox.viewer().name()))
			.findFirst()
			.orElseThrow();
		assertThat(link.maxBytesPerSecond()).isEqualTo(256 * 1024);
		// A client asking for more than the server's cap gets the cap.
		StompHeaders connectHeaders = new StompHeaders();
		connectHeaders.set(PeerLink.MAX_BYTES_PER_SECOND_HEADER, Long.toString(10 * 1024 * 1024));
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.setBasicAuth("carol", "password");
		try (EntanglementClient carol = EntanglementClient
			.connect(URI.create("ws://localhost:" + b.port() + "/entanglement"), headers, connectHeaders, TIMEOUT)) {
			View view = new View();
			carol.subscribe("waypoint", null, Map.of(), view);
			await().atMost(TIMEOUT).until(view::synced);
			SessionOutbox greedy = b.manager()
				.outboxes()
				.stream()
				.filter((outbox) -> "carol".equals(outbox.viewer().name()))
				.findFirst()
				.orElseThrow();
			assertThat(greedy.maxBytesPerSecond()).isEqualTo(1024 * 1024);
		}
		SessionOutbox uncapped = a.manager()
			.outboxes()
			.stream()
			.filter((outbox) -> "node-b".equals(outbox.viewer().name()))
			.findFirst()
			.orElseThrow();
		assertThat(uncapped.maxBytesPerSecond()).isZero();
	}

	@Test
	@Order(7)
	void aCutLinkResumesWithCatchUpNotAFullCopy() throws Exception {
		List<Waypoint> trail = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			trail.add(new Waypoint("trail-" + i, "green", i));
		}
		trail = a.waypoints().saveAll(trail);
		String last = trail.get(39).getId();
		await().atMost(TIMEOUT).until(() -> b.find(last) != null);
		PeerLink link = b.links().link("a");
		link.stop();
		long changesBefore = link.receivedChanges();
		long bytesBefore = link.receivedBytes();
		// Three objects change many times while the link is down; one is deleted.
		for (int round = 0; round < 20; round++) {
			for (int i = 0; i < 3; i++) {
				Waypoint moved = a.waypoints().findById(trail.get(i).getId()).orElseThrow();
				moved.setLat(1000 + round);
				a.waypoints().save(moved);
			}
		}
		a.waypoints().deleteById(trail.get(3).getId());
		long fullCopy = a.manager().store("waypoint").snapshot().size();
		link.start();
		String moved = trail.get(0).getId();
		String deleted = trail.get(3).getId();
		await().atMost(TIMEOUT).until(() -> b.find(moved).state().get("lat").equals(1019.0) && b.find(deleted) == null);
		await().atMost(TIMEOUT).until(() -> c.find(moved).state().get("lat").equals(1019.0) && c.find(deleted) == null);
		long caughtUp = link.receivedChanges() - changesBefore;
		long bytes = link.receivedBytes() - bytesBefore;
		// Each changed object at its current state: not 61 versions, not every object. A
		// commit still being fanned out upstream when the link resubscribes may be sent
		// twice, which is harmless (a version that is not newer is ignored).
		assertThat(caughtUp).isBetween(4L, 8L);
		assertThat(fullCopy).isGreaterThan(40);
		assertThat(bytes).isLessThan(8 * 400);
	}

	@Test
	@Order(8)
	void aRestartedNodeResumesFromItsSavedTokenWithCatchUp() throws Exception {
		String id = a.waypoints().save(new Waypoint("cairn", "red", 1)).getId();
		await().atMost(TIMEOUT).until(() -> c.find(id) != null);
		c = c.stop();
		for (int round = 0; round < 10; round++) {
			Waypoint moved = a.waypoints().findById(id).orElseThrow();
			moved.setLat(2000 + round);
			a.waypoints().save(moved);
		}
		await().atMost(TIMEOUT).until(() -> b.find(id).state().get("lat").equals(2009.0));
		c = c.restart();
		PeerLink link = c.links().link("b");
		await().atMost(TIMEOUT).until(() -> link.isConnected() && c.find(id).state().get("lat").equals(2009.0));
		// The object changed ten times while the node was down: it arrives once, and
		// nothing else does.
		await().during(Duration.ofMillis(500))
			.atMost(TIMEOUT)
			.until(() -> link.receivedChanges() >= 1 && link.receivedChanges() <= 2);
	}

	@Test
	@Order(9)
	void transitionsUpstreamAreShownToViewersDownstream() throws Exception {
		String id = a.waypoints().save(new Waypoint("flag", "red", 1)).getId();
		await().atMost(TIMEOUT).until(() -> c.find(id) != null);
		List<EntanglementClient.Change> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
		View view = new View();
		try (EntanglementClient carol = c.connect("carol")) {
			carol.subscribe("waypoint", null, Map.of(), (batch) -> {
				view.apply(batch);
				seen.addAll(batch.changes());
			});
			await().atMost(TIMEOUT).until(view::synced);
			SyncViewer dragger = new SyncViewer("dragging-session", () -> "alice");
			a.manager().transition(dragger, "waypoint", id, "drag-1", Map.of("lat", 1.5));
			await().atMost(TIMEOUT)
				.until(() -> seen.stream()
					.anyMatch((change) -> "transition".equals(change.op()) && id.equals(change.id())
							&& "drag-1".equals(change.transition())
							&& Double.valueOf(1.5).equals(change.state().get("lat"))));
			a.manager().endTransition(dragger, "waypoint", id, "drag-1");
			await().atMost(TIMEOUT)
				.until(() -> seen.stream()
					.anyMatch((change) -> "transition-end".equals(change.op()) && id.equals(change.id())));
		}
	}

	@Test
	@Order(10)
	void transitionsDownstreamAreShownAtTheOwnersNode() throws Exception {
		String id = a.waypoints().save(new Waypoint("marker", "red", 1)).getId();
		await().atMost(TIMEOUT).until(() -> c.find(id) != null);
		List<EntanglementClient.Change> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
		View view = new View();
		try (EntanglementClient alice = a.connect("alice"); EntanglementClient bob = c.connect("bob")) {
			alice.subscribe("waypoint", null, Map.of(), (batch) -> {
				view.apply(batch);
				seen.addAll(batch.changes());
			});
			await().atMost(TIMEOUT).until(view::synced);
			// tag::transition[]
			bob.transition("waypoint", id, "drag-2", Map.of("lat", 2.5));
			// end::transition[]
			await().atMost(TIMEOUT)
				.until(() -> seen.stream()
					.anyMatch((change) -> "transition".equals(change.op()) && id.equals(change.id())
							&& Double.valueOf(2.5).equals(change.state().get("lat"))));
			bob.transition("waypoint", id, "drag-2", null);
			await().atMost(TIMEOUT)
				.until(() -> seen.stream()
					.anyMatch((change) -> "transition-end".equals(change.op()) && id.equals(change.id())));
		}
	}

	@Test
	@Order(11)
	void aRemovedPeersObjectsAreCleared() {
		List<ObjectKey> mirrored = c.manager().peerState().routed("b");
		assertThat(mirrored).isNotEmpty();
		Waypoint own = new Waypoint("own", "red", 1);
		own.setOwner("c");
		String ownId = c.waypoints().save(own).getId();
		// tag::remove[]
		int deleted = c.links().remove("b");
		// end::remove[]
		assertThat(deleted).isPositive();
		for (ObjectKey key : mirrored) {
			assertThat(c.find(key.id())).isNull();
		}
		assertThat(c.find(ownId)).isNotNull();
		assertThat(c.manager().peerState().routed("b")).isEmpty();
		assertThat(
				c.jdbc().queryForObject("SELECT COUNT(*) FROM entanglement_peer_token WHERE peer = 'b'", Integer.class))
			.isZero();
	}

	@Test
	@Order(12)
	void aSubscriptionThePeerEndsAsUnavailableIsResumedOnceThePeerCanLoadItAgain() throws Exception {
		long failedBefore = a.manager().metrics().loadsFailed();
		a.manager().setLoadRetryDelay(Duration.ofMillis(10));
		String id;
		try {
			// A's policy fails for node B: the change cannot be offered to B's link, its
			// subscription is reset, the reload fails too and the subscription ends.
			a.context()
				.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("failing", Map.of("node.fail.node-b", "true")));
			id = a.waypoints().save(new Waypoint("beacon", "red", 1)).getId();
			await().atMost(TIMEOUT).until(() -> a.manager().metrics().loadsFailed() > failedBefore);
			assertThat(b.find(id)).isNull();
		}
		finally {
			a.context().getEnvironment().getPropertySources().remove("failing");
			a.manager().setLoadRetryDelay(Duration.ofSeconds(1));
		}
		// The link reconnected and resumes from its token once A can load again.
		await().atMost(TIMEOUT).until(() -> b.find(id) != null);
	}

	private static long[] received() {
		List<Long> counts = new ArrayList<>();
		for (Node node : List.of(a, b, c)) {
			node.links().links().forEach((link) -> counts.add(link.receivedChanges()));
		}
		return counts.stream().mapToLong(Long::longValue).toArray();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * One node: its application context, its port and its database schema.
	 */
	record Node(String name, int port, ConfigurableApplicationContext context, Map<String, Object> properties) {

		static Node start(String name, int port, String proposalTimeout, Map<String, Object> ports,
				Map<String, String> extra) throws SQLException {
			Map<String, Object> properties = new LinkedHashMap<>(ports);
			// The node's own peer-node-<name>.yml, not the other tests'
			// application.properties.
			properties.put("spring.config.name", "peer-node-" + name);
			properties.put("server.port", port);
			properties.put("spring.datasource.url", schema(name));
			properties.put("spring.datasource.username", EmbeddedPostgres.username());
			properties.put("spring.datasource.password", "");
			// Each node's schema is new; a restarted node keeps its tables.
			properties.put("spring.jpa.hibernate.ddl-auto", "update");
			properties.put("spring.jpa.open-in-view", "false");
			properties.put("entanglement.proposals.timeout", proposalTimeout);
			properties.putAll(extra);
			ConfigurableApplicationContext context = new SpringApplicationBuilder(PeerNodeApplication.class)
				.properties(properties)
				.run();
			return new Node(name, port, context, properties);
		}

		/**
		 * A schema of its own in the test PostgreSQL server: a database per node.
		 */
		private static String schema(String name) throws SQLException {
			String url = EmbeddedPostgres.url().replaceAll("[?&]currentSchema=[^&]*", "");
			String schema = "entanglement_peers_" + name + "_" + ProcessHandle.current().pid() + "_"
					+ System.currentTimeMillis();
			try (Connection connection = DriverManager.getConnection(url, EmbeddedPostgres.username(), "");
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE SCHEMA " + schema);
			}
			return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
		}

		/**
		 * Stop the node, keeping what it needs to start again on the same database.
		 */
		Node stop() {
			this.context.close();
			return this;
		}

		/**
		 * Start the node again, on the same port and database.
		 */
		Node restart() {
			ConfigurableApplicationContext restarted = new SpringApplicationBuilder(PeerNodeApplication.class)
				.properties(this.properties)
				.run();
			return new Node(this.name, this.port, restarted, this.properties);
		}

		SyncManager manager() {
			return this.context.getBean(SyncManager.class);
		}

		PeerLinks links() {
			return this.context.getBean(PeerLinks.class);
		}

		WaypointRepository waypoints() {
			return this.context.getBean(WaypointRepository.class);
		}

		JdbcTemplate jdbc() {
			return this.context.getBean(JdbcTemplate.class);
		}

		SyncChange find(String id) {
			return manager().store("waypoint").find(id);
		}

		EntanglementClient connect(String user) {
			WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
			headers.setBasicAuth(user, "password");
			return EntanglementClient.connect(URI.create("ws://localhost:" + this.port + "/entanglement"), headers);
		}

	}

}
