package io.entanglement.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.entanglement.AccessScope;
import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;
import io.entanglement.engine.Batch;
import io.entanglement.engine.ChangeEncoder;
import io.entanglement.engine.InMemoryChangeLog;
import io.entanglement.engine.RecordingTransport;
import io.entanglement.engine.SessionOutbox;
import io.entanglement.engine.SyncManager;
import io.entanglement.engine.SyncSettings;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that come and go while objects change teams and viewers join and leave teams:
 * whatever the order, every client ends holding exactly the objects its viewer may see,
 * at their current versions, and no client is ever named an object its viewer could not
 * see at some point. Catch-up leaves out objects a client could not see at its token and
 * still cannot, and resets it where it may have held one it no longer may see; this
 * checks both against a model, for many random histories.
 */
class AccessCatchUpConvergenceTests {

	private static final List<String> TEAMS = List.of("red", "blue", "green");

	private static final List<String> VIEWERS = List.of("ann", "ben", "cid", "dee");

	private static final int OBJECTS = 12;

	private final List<SyncManager> managers = new ArrayList<>();

	@AfterEach
	void shutDown() {
		this.managers.forEach(SyncManager::destroy);
	}

	@Test
	void clientsComingAndGoingWhileAccessChangesConvergeToWhatTheyMaySeeAndHearOfNothingElse() throws Exception {
		int resumesWithoutReset = 0;
		int resumesWithReset = 0;
		for (long seed = 1; seed <= 12; seed++) {
			History history = new History(seed);
			history.run(250);
			history.finish();
			resumesWithoutReset += history.resumesWithoutReset;
			resumesWithReset += history.resumesWithReset;
		}
		// Both kinds of catch-up happened, or the histories did not test them.
		assertThat(resumesWithoutReset).isPositive();
		assertThat(resumesWithReset).isPositive();
	}

	/**
	 * One random history, driven step by step: each step is fanned out before the next.
	 */
	private final class History {

		private final Random random;

		private final Teams teams = new Teams();

		private final EphemeralStore cursors = EphemeralStore.of("cursor", "team", "x");

		private final EphemeralStore beacon = EphemeralStore.of("beacon", "n");

		private final SyncManager manager;

		private final RecordingTransport watcher = RecordingTransport.fast();

		private final Map<String, Client> clients = new HashMap<>();

		/** Per viewer, every object it was allowed to see at some point. */
		private final Map<String, Set<String>> everVisible = new HashMap<>();

		/** Changes that named an object to a client whose viewer could never see it. */
		private final List<String> leaks = new ArrayList<>();

		/**
		 * Clients that, once caught up, held other than what they may see: nothing
		 * changes while a client catches up, so it must then hold exactly that.
		 */
		private final List<String> stale = new ArrayList<>();

		private final AtomicInteger connections = new AtomicInteger();

		private int beacons;

		int resumesWithoutReset;

		int resumesWithReset;

		History(long seed) throws InterruptedException {
			this.random = new Random(seed);
			this.manager = new SyncManager(this.teams, new InMemoryChangeLog(),
					new ChangeEncoder(JsonMapper.builder().build()), SyncSettings.defaults());
			AccessCatchUpConvergenceTests.this.managers.add(this.manager);
			this.manager.register(this.cursors);
			this.manager.register(this.beacon);
			this.manager.subscribe(this.manager.open(new SyncViewer("watcher", () -> "watcher"), this.watcher), "sub",
					"beacon", null);
			this.watcher.batchesUntilSynced("sub");
			for (String viewer : VIEWERS) {
				this.teams.join(viewer, TEAMS.get(this.random.nextInt(TEAMS.size())));
				this.everVisible.put(viewer, new HashSet<>());
				this.clients.put(viewer, new Client(viewer));
			}
			observe();
		}

		void run(int steps) throws InterruptedException {
			for (int step = 0; step < steps; step++) {
				int choice = this.random.nextInt(20);
				String id = "c" + this.random.nextInt(OBJECTS);
				String viewer = VIEWERS.get(this.random.nextInt(VIEWERS.size()));
				String team = TEAMS.get(this.random.nextInt(TEAMS.size()));
				if (choice < 8) {
					SyncChange current = this.cursors.get(id);
					// Mostly moves within the team, sometimes to another one.
					String to = (current != null && this.random.nextInt(4) > 0) ? (String) current.state().get("team")
							: team;
					this.cursors.put(id, "owner", Map.of("team", to, "x", step));
				}
				else if (choice < 10) {
					this.cursors.remove(id);
				}
				else if (choice < 12) {
					changeTeams(viewer, team, !this.teams.of(viewer).contains(team));
				}
				else if (choice < 16) {
					this.clients.get(viewer).leave();
				}
				else {
					this.clients.get(viewer).come();
				}
				fannedOut();
				observe();
				for (Client client : this.clients.values()) {
					client.read();
				}
			}
		}

		void finish() throws InterruptedException {
			for (Client client : this.clients.values()) {
				client.come();
			}
			fannedOut();
			for (Client client : this.clients.values()) {
				Map<String, Long> visible = visibleTo(client.name);
				// Fanned out is not yet written: each session is flushed on its own.
				Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					client.read();
					assertThat(client.held()).as("what %s holds", client.name).isEqualTo(visible);
				});
			}
			assertThat(this.leaks).as("objects named to clients whose viewer could never see them").isEmpty();
			assertThat(this.stale).as("clients holding other than what they may see once caught up").isEmpty();
		}

		private Map<String, Long> visibleTo(String viewer) {
			Map<String, Long> visible = new HashMap<>();
			for (SyncChange object : this.cursors.snapshot()) {
				if (this.teams.maySee(viewer, object)) {
					visible.put(object.key().id(), object.version());
				}
			}
			return visible;
		}

		private void changeTeams(String viewer, String team, boolean joining) {
			List<ObjectKey> keys = this.cursors.snapshot()
				.stream()
				.filter((object) -> team.equals(object.state().get("team")))
				.map(SyncChange::key)
				.toList();
			AccessScope before = joining ? this.teams.join(viewer, team) : this.teams.leave(viewer, team);
			if (!keys.isEmpty()) {
				Map<ObjectKey, AccessScope> scopes = new java.util.LinkedHashMap<>();
				keys.forEach((key) -> scopes.put(key, before));
				this.manager.memoryAccessChanged(scopes, joining ? Set.copyOf(keys) : Set.of());
			}
		}

		/**
		 * Wait until everything changed so far has been fanned out: fan-out is in order,
		 * so once the watcher hears of a new beacon, it has.
		 */
		private void fannedOut() throws InterruptedException {
			int n = ++this.beacons;
			this.beacon.put("b", null, Map.of("n", n));
			while (this.watcher.nextWrite()
				.batches()
				.stream()
				.flatMap((batch) -> batch.changes().stream())
				.noneMatch((change) -> change.state() != null && Objects.equals(change.state().get("n"), n))) {
				// An earlier beacon: keep waiting.
			}
		}

		private void observe() {
			for (SyncChange object : this.cursors.snapshot()) {
				for (String viewer : VIEWERS) {
					if (this.teams.maySee(viewer, object)) {
						this.everVisible.get(viewer).add(object.key().id());
					}
				}
			}
		}

		/**
		 * A client of one viewer, as the JS client keeps it: objects by id with their
		 * version, the last resume token, and the connection when it has one.
		 */
		private final class Client {

			private final String name;

			private final Map<String, Long> versions = new HashMap<>();

			private final Set<String> present = new HashSet<>();

			private @Nullable String token;

			private @Nullable SessionOutbox outbox;

			private @Nullable RecordingTransport transport;

			private boolean synced;

			Client(String name) throws InterruptedException {
				this.name = name;
				come();
			}

			void come() throws InterruptedException {
				if (this.outbox != null) {
					return;
				}
				RecordingTransport transport = RecordingTransport.fast();
				SyncViewer viewer = new SyncViewer(this.name + "-" + History.this.connections.incrementAndGet(),
						() -> this.name);
				this.outbox = History.this.manager.open(viewer, transport);
				this.transport = transport;
				this.synced = false;
				boolean resuming = this.token != null;
				History.this.manager.subscribe(this.outbox, "sub", "cursor", this.token);
				List<Batch> caughtUp = transport.batchesUntilSynced("sub");
				if (resuming) {
					if (caughtUp.get(0).reset()) {
						History.this.resumesWithReset++;
					}
					else {
						History.this.resumesWithoutReset++;
					}
				}
				caughtUp.forEach(this::apply);
				Map<String, Long> visible = visibleTo(this.name);
				if (!held().equals(visible)) {
					History.this.stale
						.add(this.name + " held " + held() + " instead of " + visible + " after " + caughtUp);
				}
			}

			void leave() {
				if (this.outbox == null) {
					return;
				}
				read();
				History.this.manager.close(this.outbox);
				this.outbox = null;
				this.transport = null;
			}

			void read() {
				if (this.transport != null) {
					this.transport.drainWrites()
						.stream()
						.flatMap((write) -> write.batches().stream())
						.filter((batch) -> batch.subscriptionId().equals("sub"))
						.forEach(this::apply);
				}
			}

			Map<String, Long> held() {
				Map<String, Long> held = new HashMap<>();
				this.present.forEach((id) -> held.put(id, this.versions.get(id)));
				return held;
			}

			private void apply(Batch batch) {
				if (batch.reset()) {
					this.versions.clear();
					this.present.clear();
				}
				for (Batch.Change change : batch.changes()) {
					if (!History.this.everVisible.get(this.name).contains(change.id())) {
						History.this.leaks.add(this.name + " was told " + change + " in " + batch);
					}
					Long held = this.versions.get(change.id());
					boolean isPresent = this.present.contains(change.id());
					switch (change.op()) {
						case "upsert" -> {
							if (held == null || change.version() > held || (change.version() == held && !isPresent)) {
								this.versions.put(change.id(), change.version());
								this.present.add(change.id());
							}
						}
						case "forget" -> {
							if (isPresent && change.version() >= held) {
								this.versions.put(change.id(), change.version());
								this.present.remove(change.id());
							}
						}
						case "delete" -> {
							if (held == null || change.version() >= held) {
								this.versions.put(change.id(), change.version());
								this.present.remove(change.id());
							}
						}
						default -> throw new IllegalStateException("Unexpected " + change);
					}
				}
				if (batch.synced()) {
					this.synced = true;
				}
				if (this.synced) {
					this.token = batch.token();
				}
			}

		}

	}

	/**
	 * Viewers see the cursors of the teams they are in; the beacon is for everyone.
	 */
	private static final class Teams implements SyncPolicy {

		private final Map<String, Set<String>> teams = new ConcurrentHashMap<>();

		private final ThreadLocal<Map<String, Set<String>>> before = new ThreadLocal<>();

		@Override
		public boolean maySee(SyncViewer viewer, SyncChange change) {
			return maySee(viewer.name(), change);
		}

		boolean maySee(@Nullable String viewer, SyncChange change) {
			if (!change.key().type().equals("cursor")) {
				return true;
			}
			Map<String, Set<String>> teams = Objects.requireNonNullElse(this.before.get(), this.teams);
			// A deletion known by its id alone carries no team: nobody is told of it.
			Object team = change.state().get("team");
			return team != null && teams.getOrDefault(viewer, Set.of()).contains(team);
		}

		@Override
		public String accessState(SyncChange change) {
			return String.valueOf(change.state().get("team"));
		}

		Set<String> of(String viewer) {
			return this.teams.getOrDefault(viewer, Set.of());
		}

		AccessScope join(String viewer, String team) {
			return change(viewer, team, true);
		}

		AccessScope leave(String viewer, String team) {
			return change(viewer, team, false);
		}

		private AccessScope change(String viewer, String team, boolean joining) {
			Map<String, Set<String>> copy = new HashMap<>();
			this.teams.forEach((name, teams) -> copy.put(name, Set.copyOf(teams)));
			Set<String> teams = new HashSet<>(of(viewer));
			if (joining) {
				teams.add(team);
			}
			else {
				teams.remove(team);
			}
			this.teams.put(viewer, Set.copyOf(teams));
			return (decision) -> {
				this.before.set(copy);
				try {
					return decision.getAsBoolean();
				}
				finally {
					this.before.remove();
				}
			};
		}

	}

}
