package io.entanglement.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.entanglement.engine.SyncManager;
import io.entanglement.security.AclSyncPolicy;
import io.entanglement.security.EntanglementAcl;
import io.entanglement.testapp.Marker;
import io.entanglement.testapp.MarkerRepository;
import io.entanglement.testapp.Memo;
import io.entanglement.testapp.MemoRepository;
import io.entanglement.testapp.PostgresDatabase;
import io.entanglement.testapp.StompTestClient;
import io.entanglement.testapp.StompTestClient.Batch;
import io.entanglement.testapp.StompTestClient.View;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.messaging.simp.user.SimpSession;
import org.springframework.messaging.simp.user.SimpUser;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.security.acls.domain.BasePermission;
import org.springframework.security.acls.model.AclCache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of one application on one PostgreSQL database and one external STOMP
 * broker: what is committed, proposed or revoked on one reaches the sessions of the
 * other, a client of an instance that dies resumes on the other, and a broker restart is
 * survived. Subclasses pick the broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractRelayIntegrationTests {

	/** Long enough for a change that should not arrive to have crossed the broker. */
	private static final Duration QUIET = Duration.ofSeconds(1);

	private static final Duration STARTUP = Duration.ofSeconds(60);

	private RelayBroker broker;

	private PostgresDatabase database;

	private ConfigurableApplicationContext a;

	private ConfigurableApplicationContext b;

	abstract RelayBroker broker();

	@BeforeAll
	void startBrokerDatabaseAndInstances() throws Exception {
		this.broker = broker();
		this.broker.start();
		this.database = new PostgresDatabase();
		this.a = instance("a", "create");
		this.b = instance("b", "none");
	}

	@AfterAll
	void stopEverything() throws Exception {
		close(this.a);
		close(this.b);
		if (this.broker != null) {
			this.broker.stop();
		}
		if (this.database != null) {
			this.database.drop();
		}
	}

	@BeforeEach
	void clean() {
		this.a.getBean(MarkerRepository.class).deleteAll();
		this.a.getBean(MemoRepository.class).deleteAll();
	}

	@Test
	@Order(1)
	void aCommitOnOneInstanceReachesThePermittedSessionsOfTheOtherAndNoOthers() throws Exception {
		try (StompTestClient aliceOnB = StompTestClient.connect(port(this.b), "alice");
				StompTestClient bobOnB = StompTestClient.connect(port(this.b), "bob");
				StompTestClient aliceOnA = StompTestClient.connect(port(this.a), "alice")) {
			for (StompTestClient client : List.of(aliceOnB, bobOnB, aliceOnA)) {
				client.subscribe("marker");
				client.untilSynced();
			}
			Marker open = markers(this.a).save(new Marker("open", 1, 2));
			assertThat(onlyChange(aliceOnB.next()).get("id").asString()).isEqualTo(open.getId().toString());
			assertThat(onlyChange(bobOnB.next()).get("id").asString()).isEqualTo(open.getId().toString());
			assertThat(onlyChange(aliceOnA.next()).get("id").asString()).isEqualTo(open.getId().toString());

			// Only its owner may see a secret: the policy filters on the receiving
			// instance.
			Marker secret = new Marker("secret-plan", 3, 4);
			secret.setOwner("alice");
			secret = markers(this.a).save(secret);
			JsonNode seen = onlyChange(aliceOnB.next());
			assertThat(seen.get("id").asString()).isEqualTo(secret.getId().toString());
			assertThat(seen.get("state").get("name").asString()).isEqualTo("secret-plan");
			assertThat(onlyChange(aliceOnA.next()).get("id").asString()).isEqualTo(secret.getId().toString());
			bobOnB.assertNoBatchWithin(QUIET);

			// And the other way round.
			Marker fromB = markers(this.b).save(new Marker("from b", 5, 6));
			assertThat(onlyChange(aliceOnA.next()).get("id").asString()).isEqualTo(fromB.getId().toString());
			assertThat(onlyChange(bobOnB.next()).get("id").asString()).isEqualTo(fromB.getId().toString());
		}
	}

	@Test
	@Order(2)
	void aProposalToAnOwnerConnectedToTheOtherInstanceIsAcceptedOrRejectedWithExactlyOneReply() throws Exception {
		Marker flag = new Marker("flag", 0, 0);
		flag.setOwner("alice");
		flag = markers(this.a).save(flag);
		String id = flag.getId().toString();
		try (StompTestClient aliceOnB = StompTestClient.connect(port(this.b), "alice");
				StompTestClient bobOnA = StompTestClient.connect(port(this.a), "bob")) {
			aliceOnB.subscribeRequests();
			awaitListeningOwner(this.a, "alice");

			String accepted = requestId();
			bobOnA.propose("marker", Map.of("requestId", accepted, "id", id, "state", Map.of("lat", 5)));
			JsonNode request = aliceOnB.nextRequest();
			assertThat(request.get("from").asString()).isEqualTo("bob");
			assertThat(request.get("id").asString()).isEqualTo(id);
			aliceOnB.send("/app/entanglement/requests/" + request.get("requestId").asString(),
					Map.of("decision", "accept"));
			JsonNode reply = bobOnA.nextReply();
			assertThat(reply.get("requestId").asString()).isEqualTo(accepted);
			assertThat(reply.get("status").asString()).isEqualTo("accepted");
			assertThat(reply.get("version").asLong()).isGreaterThan(flag.getVersion());
			JsonNode answered = aliceOnB.nextReply();
			assertThat(answered.get("requestId").asString()).isEqualTo(request.get("requestId").asString());
			assertThat(answered.get("status").asString()).isEqualTo("accepted");
			assertThat(markers(this.b).findById(flag.getId()).orElseThrow().getLat()).isEqualTo(5);

			String rejected = requestId();
			bobOnA.propose("marker", Map.of("requestId", rejected, "id", id, "state", Map.of("lat", 6)));
			request = aliceOnB.nextRequest();
			aliceOnB.send("/app/entanglement/requests/" + request.get("requestId").asString(),
					Map.of("decision", "reject", "code", "conflict", "message", "not there"));
			reply = bobOnA.nextReply();
			assertThat(reply.get("requestId").asString()).isEqualTo(rejected);
			assertThat(reply.get("status").asString()).isEqualTo("rejected");
			assertThat(reply.get("code").asString()).isEqualTo("conflict");
			assertThat(markers(this.a).findById(flag.getId()).orElseThrow().getLat()).isEqualTo(5);
			bobOnA.assertNoReplyWithin(QUIET);
			aliceOnB.nextReply();
			aliceOnB.assertNoRequestWithin(Duration.ZERO);
		}
	}

	@Test
	@Order(3)
	void aRevocationOnOneInstanceMakesTheOtherForgetAtOnce() throws Exception {
		Memo memo = memoReadByAliceAndBob("shared");
		String id = memo.getId().toString();
		EntanglementAcl acl = this.a.getBean(EntanglementAcl.class);
		try (StompTestClient aliceOnB = StompTestClient.connect(port(this.b), "alice");
				StompTestClient bobOnB = StompTestClient.connect(port(this.b), "bob")) {
			aliceOnB.subscribe("memo");
			bobOnB.subscribe("memo");
			assertThat(viewOf(aliceOnB.untilSynced()).objects()).containsOnlyKeys(id);
			assertThat(viewOf(bobOnB.untilSynced()).objects()).containsOnlyKeys(id);

			acl.revokeUser("memo", id, "bob", BasePermission.READ);
			JsonNode forget = onlyChange(bobOnB.next());
			assertThat(forget.get("op").asString()).isEqualTo("forget");
			assertThat(forget.get("id").asString()).isEqualTo(id);
			aliceOnB.assertNoBatchWithin(QUIET);

			memo.setTitle("shared, then not");
			memos(this.a).save(memo);
			assertThat(onlyChange(aliceOnB.next()).get("state").get("title").asString()).isEqualTo("shared, then not");
			bobOnB.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	@Order(4)
	void aRevocationReachesTheOtherInstanceAlsoWhenItNoLongerCachesTheOldAccess() throws Exception {
		Memo memo = memoReadByAliceAndBob("evicted");
		String id = memo.getId().toString();
		EntanglementAcl acl = this.a.getBean(EntanglementAcl.class);
		try (StompTestClient aliceOnB = StompTestClient.connect(port(this.b), "alice");
				StompTestClient bobOnB = StompTestClient.connect(port(this.b), "bob")) {
			aliceOnB.subscribe("memo");
			bobOnB.subscribe("memo");
			assertThat(viewOf(aliceOnB.untilSynced()).objects()).containsKey(id);
			assertThat(viewOf(bobOnB.untilSynced()).objects()).containsKey(id);
			// Instance B forgets what it knew of the access before the change.
			this.b.getBean(AclCache.class).clearCache();
			this.b.getBean(AclSyncPolicy.class).invalidateAll();

			acl.revokeUser("memo", id, "bob", BasePermission.READ);
			// Bob may have held it: without naming the object, he starts over without it.
			List<StompTestClient.Batch> again = bobOnB.until(StompTestClient.Batch::synced);
			assertThat(again.get(0).reset()).isTrue();
			assertThat(viewOf(again).objects()).doesNotContainKey(id);
			aliceOnB.assertNoBatchWithin(QUIET);
		}
	}

	/** A memo saved on instance A that alice and bob may read. */
	private Memo memoReadByAliceAndBob(String title) {
		Memo memo = memos(this.a).save(new Memo(title));
		EntanglementAcl acl = this.a.getBean(EntanglementAcl.class);
		acl.grantUser("memo", memo.getId().toString(), "alice", BasePermission.READ);
		acl.grantUser("memo", memo.getId().toString(), "bob", BasePermission.READ);
		return memo;
	}

	@Test
	@Order(4)
	void aTransitionDrivenOnOneInstanceIsShownOnTheOtherAndEndsThereWhenCommitted() throws Exception {
		Marker camp = new Marker("camp", 1, 1);
		camp.setOwner("alice");
		camp = markers(this.a).save(camp);
		String id = id(camp);
		try (StompTestClient aliceOnA = StompTestClient.connect(port(this.a), "alice");
				StompTestClient bobOnB = StompTestClient.connect(port(this.b), "bob")) {
			aliceOnA.subscribe("marker");
			aliceOnA.untilSynced();
			bobOnB.subscribe("marker");
			bobOnB.untilSynced();
			aliceOnA.send("/app/entanglement/marker/transition",
					Map.of("id", id, "transition", "drag-1", "state", Map.of("lat", 2)));
			JsonNode shown = onlyChange(bobOnB.next());
			assertThat(shown.get("op").asString()).isEqualTo("transition");
			assertThat(shown.get("transition").asString()).isEqualTo("drag-1");
			assertThat(shown.get("by").asString()).isEqualTo("alice");
			assertThat(shown.get("state").get("lat").asDouble()).isEqualTo(2);

			String commit = requestId();
			aliceOnA.propose("marker",
					Map.of("requestId", commit, "id", id, "transition", "drag-1", "state", Map.of("lat", 3)));
			assertThat(aliceOnA.nextReply().get("status").asString()).isEqualTo("accepted");
			List<JsonNode> changes = new ArrayList<>();
			while (changes.isEmpty()
					|| !"transition-end".equals(changes.get(changes.size() - 1).get("op").asString())) {
				changes.addAll(bobOnB.next().changes());
			}
			assertThat(changes).extracting((change) -> change.get("op").asString())
				.endsWith("upsert", "transition-end");
			assertThat(changes.get(changes.size() - 2).get("state").get("lat").asDouble()).isEqualTo(3);
			assertThat(changes.get(changes.size() - 1).get("reason").asString()).isEqualTo("committed");
			bobOnB.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	@Order(5)
	void aClientOfAnInstanceThatDiesResumesOnTheOtherWithItsToken() throws Exception {
		Marker kept = markers(this.a).save(new Marker("kept", 1, 1));
		Marker moved = markers(this.a).save(new Marker("moved", 2, 2));
		String token;
		try (StompTestClient aliceOnA = StompTestClient.connect(port(this.a), "alice")) {
			aliceOnA.subscribe("marker");
			assertThat(viewOf(aliceOnA.untilSynced()).objects()).containsOnlyKeys(id(kept), id(moved));
			moved.setLat(3);
			moved = markers(this.a).save(moved);
			Batch last = aliceOnA.next();
			assertThat(onlyChange(last).get("version").asLong()).isEqualTo(moved.getVersion());
			token = last.token();
			close(this.a);
			this.a = null;
		}
		moved.setLat(4);
		moved = markers(this.b).save(moved);
		Marker added = markers(this.b).save(new Marker("added", 5, 5));
		try (StompTestClient aliceOnB = StompTestClient.connect(port(this.b), "alice")) {
			aliceOnB.subscribe("marker", token);
			List<Batch> resumed = aliceOnB.untilSynced();
			// A catch-up, not a copy: only what changed since the token, at its current
			// state.
			assertThat(resumed).noneMatch(Batch::reset);
			Map<String, Long> versions = new HashMap<>();
			resumed.forEach((batch) -> batch.changes()
				.forEach((change) -> versions.put(change.get("id").asString(), change.get("version").asLong())));
			assertThat(versions).containsOnlyKeys(id(moved), id(added)).containsEntry(id(moved), moved.getVersion());
		}
		finally {
			this.a = instance("a", "none");
		}
	}

	@Test
	@Order(6)
	void tokensHandedOutByOneInstanceNeverSkipACommitOfTheOther() throws Exception {
		List<Long> ids = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			ids.add(markers(this.a).save(new Marker("t" + i, i, i)).getId());
		}
		View view = new View();
		String token = null;
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicReference<Throwable> loadFailure = new AtomicReference<>();
		Thread load = load(ids, running, loadFailure);
		load.start();
		try {
			// Resume on B again and again while both instances commit: each token B hands
			// out must cover every commit of A numbered before it.
			for (int i = 0; i < 8; i++) {
				try (StompTestClient bobOnB = StompTestClient.connect(port(this.b), "bob")) {
					if (token == null) {
						bobOnB.subscribe("marker");
					}
					else {
						bobOnB.subscribe("marker", token);
					}
					for (Batch batch : bobOnB.untilSynced()) {
						view.apply(batch);
						token = batch.token();
					}
					for (Batch batch : bobOnB.drainFor(Duration.ofMillis(150))) {
						view.apply(batch);
						token = batch.token();
					}
				}
			}
		}
		finally {
			running.set(false);
			load.join();
		}
		assertThat(loadFailure.get()).isNull();
		long committed = this.b.getBean(io.entanglement.engine.ChangeLog.class).currentSeq();
		SyncManager onB = this.b.getBean(SyncManager.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> onB.watermark() >= committed);
		Map<String, Long> expected = new HashMap<>();
		markers(this.a).findAll().forEach((marker) -> expected.put(id(marker), marker.getVersion()));
		// Nothing is committed any more: what the catch-up brings is all the client gets,
		// so a commit its token skipped would be missing here.
		try (StompTestClient bobOnB = StompTestClient.connect(port(this.b), "bob")) {
			bobOnB.subscribe("marker", token);
			List<Batch> resumed = bobOnB.untilSynced();
			assertThat(resumed).noneMatch(Batch::reset);
			view.apply(resumed);
		}
		assertThat(view.liveVersions()).isEqualTo(expected);
	}

	@Test
	@Order(7)
	void clientsConvergeAfterTheBrokerRestartsWhileBothInstancesCommit() throws Exception {
		List<Long> ids = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			ids.add(markers(this.a).save(new Marker("m" + i, i, i)).getId());
		}
		Resumable onA = new Resumable(this.a, "alice");
		Resumable onB = new Resumable(this.b, "bob");
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicReference<Throwable> loadFailure = new AtomicReference<>();
		Thread load = load(ids, running, loadFailure);
		load.start();
		try {
			await().pollDelay(Duration.ofMillis(500)).until(() -> true);
			this.broker.restart();
			awaitBroker(this.a);
			awaitBroker(this.b);
			await().pollDelay(Duration.ofMillis(500)).until(() -> true);
		}
		finally {
			running.set(false);
			load.join();
		}
		assertThat(loadFailure.get()).isNull();
		Map<String, Long> committed = new HashMap<>();
		markers(this.a).findAll().forEach((marker) -> committed.put(id(marker), marker.getVersion()));
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(onA.catchUp()).isEqualTo(committed);
			assertThat(onB.catchUp()).isEqualTo(committed);
		});
		assertThat(onA.view.versionsGoingBackwards()).isEmpty();
		assertThat(onB.view.versionsGoingBackwards()).isEmpty();
		onA.close();
		onB.close();
	}

	/**
	 * Commits on both instances in turn, one marker at a time, until stopped (bounded by
	 * the test that starts it).
	 */
	private Thread load(List<Long> ids, AtomicBoolean running, AtomicReference<Throwable> failure) {
		return new Thread(() -> {
			int i = 0;
			while (running.get()) {
				ConfigurableApplicationContext instance = (i++ % 2 == 0) ? this.a : this.b;
				try {
					MarkerRepository markers = markers(instance);
					Marker marker = markers.findById(ids.get(ThreadLocalRandom.current().nextInt(ids.size())))
						.orElseThrow();
					marker.setLat(marker.getLat() + 1);
					markers.save(marker);
				}
				catch (org.springframework.dao.OptimisticLockingFailureException ex) {
					// Both instances changed the same marker: the other one won.
				}
				catch (RuntimeException ex) {
					failure.set(ex);
					return;
				}
				// About 200 commits/s at most: enough to race, not enough to starve the
				// instances of the cores they share with it.
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
			}
		}, "relay-test-load");
	}

	/**
	 * A client that keeps its view and token, and reconnects with the token when its
	 * connection is lost (as the relay closes client sessions when the broker goes).
	 */
	private final class Resumable {

		private final ConfigurableApplicationContext instance;

		private final String user;

		private final View view = new View();

		private StompTestClient client;

		private String token;

		Resumable(ConfigurableApplicationContext instance, String user) throws Exception {
			this.instance = instance;
			this.user = user;
			this.client = StompTestClient.connect(port(instance), user);
			this.client.subscribe("marker");
			apply(this.client.untilSynced());
		}

		Map<String, Long> catchUp() throws Exception {
			apply(this.client.drain(Duration.ofMillis(200)));
			if (!this.client.isConnected()) {
				this.client.close();
				this.client = StompTestClient.connect(port(this.instance), this.user);
				this.client.subscribe("marker", this.token);
				apply(this.client.untilSynced());
			}
			return this.view.liveVersions();
		}

		private void apply(List<Batch> batches) {
			for (Batch batch : batches) {
				this.view.apply(batch);
				this.token = batch.token();
			}
		}

		void close() {
			this.client.close();
		}

	}

	private ConfigurableApplicationContext instance(String instanceId, String ddl) {
		List<String> args = new ArrayList<>(List.of("--spring.profiles.active=" + this.broker.profiles(),
				"--server.port=0", "--spring.datasource.url=" + this.database.url(),
				"--spring.datasource.username=" + this.database.username(), "--spring.datasource.password=",
				"--spring.jpa.hibernate.ddl-auto=" + ddl, "--entanglement.node-id=test-node",
				"--entanglement.relay.port=" + this.broker.port(),
				"--entanglement.relay.client-login=" + this.broker.login(),
				"--entanglement.relay.client-passcode=" + this.broker.passcode(),
				"--entanglement.relay.system-login=" + this.broker.login(),
				"--entanglement.relay.system-passcode=" + this.broker.passcode(),
				"--entanglement.relay.instance-id=" + instanceId + UUID.randomUUID().toString().substring(0, 4),
				"--entanglement.relay.user-registry-expiration=2s", "--entanglement.relay.resync-interval=300ms"));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(
				io.entanglement.testapp.TestApplication.class)
			.run(args.toArray(String[]::new));
		try {
			awaitBroker(context);
			// The first handshake of a fresh instance is slow on a busy machine: make it
			// here, not in a test.
			await().atMost(STARTUP).ignoreExceptions().until(() -> {
				try (StompTestClient client = StompTestClient.connect(port(context), "alice")) {
					return client.isConnected();
				}
			});
		}
		catch (RuntimeException ex) {
			context.close();
			throw ex;
		}
		return context;
	}

	private static void awaitBroker(ConfigurableApplicationContext context) {
		StompRelayCluster cluster = context.getBean(StompRelayCluster.class);
		await().atMost(STARTUP).until(cluster::isBrokerAvailable);
	}

	/**
	 * Wait until an instance knows that a user connected to another instance listens for
	 * owner requests (the instances share their users every second here).
	 */
	private static void awaitListeningOwner(ConfigurableApplicationContext instance, String user) {
		SimpUserRegistry users = instance.getBean(SimpUserRegistry.class);
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			SimpUser simpUser = users.getUser(user);
			if (simpUser == null) {
				return false;
			}
			for (SimpSession session : simpUser.getSessions()) {
				if (session.getSubscriptions()
					.stream()
					.anyMatch((subscription) -> subscription.getDestination().endsWith("/entanglement/requests"))) {
					return true;
				}
			}
			return false;
		});
	}

	private static void close(ConfigurableApplicationContext context) {
		if (context != null) {
			context.close();
		}
	}

	private static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	private static MarkerRepository markers(ConfigurableApplicationContext context) {
		return context.getBean(MarkerRepository.class);
	}

	private static MemoRepository memos(ConfigurableApplicationContext context) {
		return context.getBean(MemoRepository.class);
	}

	private static JsonNode onlyChange(Batch batch) {
		assertThat(batch.changes()).hasSize(1);
		return batch.changes().get(0);
	}

	private static View viewOf(List<Batch> batches) {
		View view = new View();
		view.apply(batches);
		return view;
	}

	private static String id(Marker marker) {
		return marker.getId().toString();
	}

	private static String requestId() {
		return "relay-" + UUID.randomUUID();
	}

}
