package io.entanglement.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.SyncViewer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the coalescing queue of one {@link Subscription}: for any sequence of
 * enqueues, flushes and resets, the client ends with the last state enqueued per object,
 * and the queue never holds more entries than distinct objects.
 *
 * @author Entanglement
 */
class SubscriptionTests {

	private static final int KEYS = 8;

	private static final ChangeEncoder encoder = new ChangeEncoder(JsonMapper.builder().build());

	private static SyncManager manager;

	@BeforeContainer
	static void startManager() {
		manager = new SyncManager(new AuthenticatedViewersPolicy(), new InMemoryChangeLog(), encoder,
				SyncSettings.defaults());
	}

	@AfterContainer
	static void stopManager() {
		manager.destroy();
	}

	@Property(tries = 500)
	void clientEndsWithTheLastEnqueuedStateOfEveryObject(@ForAll("operations") List<Operation> operations) {
		Model model = new Model();
		for (Operation operation : operations) {
			operation.applyTo(model);
			model.checkQueue();
		}
		model.finish();
		assertThat(model.client).as("what the client holds").isEqualTo(model.live());
		model.lastSent.forEach((id, sent) -> assertThat(sent.version()).as("last version sent of %s", id)
			.isEqualTo(model.latest.get(id).version()));
	}

	@Property(tries = 500)
	void versionsSentForAnObjectOnlyIncreaseBetweenResets(@ForAll("operations") List<Operation> operations) {
		Model model = new Model();
		for (Operation operation : operations) {
			operation.applyTo(model);
		}
		model.finish();
		assertThat(model.regressions).as("versions sent that were not newer than one sent before").isEmpty();
	}

	@Provide
	Arbitrary<List<Operation>> operations() {
		Arbitrary<Integer> keys = Arbitraries.integers().between(0, KEYS - 1);
		Arbitrary<Operation> operation = Arbitraries.frequencyOf(Tuple.of(10, keys.map(Enqueue::new)),
				Tuple.of(2, keys.map(Delete::new)), Tuple.of(4, Arbitraries.integers().between(1, 600).map(Flush::new)),
				Tuple.of(1, Arbitraries.just(new Restart())), Tuple.of(2, Arbitraries.just(new Load())));
		return operation.list().ofMaxSize(120);
	}

	/**
	 * One step against the subscription.
	 */
	sealed interface Operation permits Enqueue, Delete, Flush, Restart, Load {

		void applyTo(Model model);

	}

	/**
	 * A new version of one object is committed and offered.
	 */
	record Enqueue(int key) implements Operation {

		@Override
		public void applyTo(Model model) {
			String id = "o" + this.key;
			long version = model.nextVersion(id);
			model.offer(SyncChange.upsert(new ObjectKey("point", id), "alice", version,
					Map.of("name", id + "@" + version)));
		}

	}

	/**
	 * One object is deleted; a later enqueue brings it back with a newer version.
	 */
	record Delete(int key) implements Operation {

		@Override
		public void applyTo(Model model) {
			String id = "o" + this.key;
			model.offer(SyncChange.delete(new ObjectKey("point", id), model.nextVersion(id)));
		}

	}

	/**
	 * The client drained the last write: one frame of at most the given size leaves.
	 */
	record Flush(int maxBytes) implements Operation {

		@Override
		public void applyTo(Model model) {
			model.flush(this.maxBytes);
		}

	}

	/**
	 * The client fell too far behind: its queue is dropped until a fresh snapshot loads.
	 */
	record Restart() implements Operation {

		@Override
		public void applyTo(Model model) {
			if (!model.subscription.loading) {
				model.subscription.restart();
			}
		}

	}

	/**
	 * The snapshot of the current state is loaded and merged.
	 */
	record Load() implements Operation {

		@Override
		public void applyTo(Model model) {
			model.load();
		}

	}

	/**
	 * The server's state, the subscription under test, and what its client holds.
	 */
	static final class Model {

		final Subscription subscription;

		/** The newest change per object, deletes included. */
		final Map<String, SyncChange> latest = new HashMap<>();

		/** Versions per object as the client holds them. */
		final Map<String, Long> client = new HashMap<>();

		/** The last change sent per object since the client last reset. */
		final Map<String, Batch.Change> lastSent = new HashMap<>();

		final List<String> regressions = new ArrayList<>();

		final Set<String> enqueued = new HashSet<>();

		/** Commits so far; the watermark, as every commit is fanned out at once. */
		long seq;

		boolean reset;

		Model() {
			SessionOutbox outbox = manager.open(new SyncViewer("session-1", () -> "alice"), RecordingTransport.fast());
			this.subscription = new Subscription(
					outbox, "sub-1", new SyncType(new InMemorySyncStore("point"), encoder, null,
							new SyncClock(new InMemoryChangeLog()), SyncSettings.DEFAULT_KEPT_PER_TYPE),
					manager.token(0), java.util.Map.of());
		}

		long nextVersion(String id) {
			SyncChange previous = this.latest.get(id);
			return (previous != null) ? previous.version() + 1 : 1;
		}

		void offer(SyncChange change) {
			this.seq++;
			this.latest.put(change.key().id(), change);
			this.enqueued.add(change.key().id());
			this.subscription.offer(encoder.encode(change));
		}

		void flush(int maxBytes) {
			this.subscription.settle(this.seq);
			if (this.subscription.hasWork(true)) {
				receive(Batch
					.of(this.subscription.drain(maxBytes, manager.token(this.seq), Integer.MAX_VALUE / 2, true)));
			}
		}

		void load() {
			if (this.subscription.loading) {
				List<EncodedChange> snapshot = live().keySet()
					.stream()
					.map((id) -> encoder.encode(this.latest.get(id)))
					.toList();
				this.subscription.merge(snapshot, true, this.seq, Integer.MAX_VALUE / 2);
			}
		}

		void finish() {
			load();
			while (this.subscription.hasWork(true)) {
				flush(1024);
			}
		}

		void checkQueue() {
			// Plain checks first: this runs after every operation of every try.
			boolean newestOnly = this.subscription.pending.entrySet()
				.stream()
				.allMatch((entry) -> entry.getValue().version() == this.latest.get(entry.getKey()).version());
			if (this.subscription.pending.size() > this.enqueued.size() || !newestOnly) {
				assertThat(this.subscription.pending).as("pending entries")
					.hasSizeLessThanOrEqualTo(this.enqueued.size())
					.allSatisfy((id, change) -> assertThat(change.version()).as("pending version of %s", id)
						.isEqualTo(this.latest.get(id).version()));
			}
		}

		/** The objects that exist, with their versions. */
		Map<String, Long> live() {
			Map<String, Long> live = new HashMap<>();
			this.latest.forEach((id, change) -> {
				if (change.op() == SyncChange.Op.UPSERT) {
					live.put(id, change.version());
				}
			});
			return live;
		}

		private void receive(Batch batch) {
			if (batch.reset()) {
				this.client.clear();
				this.lastSent.clear();
			}
			for (Batch.Change change : batch.changes()) {
				Batch.Change previous = this.lastSent.get(change.id());
				if (previous != null && previous.version() >= change.version()) {
					this.regressions.add(change.id() + " v" + change.version() + " after v" + previous.version());
				}
				this.lastSent.put(change.id(), change);
				if (change.op().equals("delete")) {
					this.client.remove(change.id());
				}
				else {
					this.client.put(change.id(), change.version());
				}
			}
		}

	}

}
