package io.entanglement.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.entanglement.AccessScope;
import io.entanglement.AudienceIndex;
import io.entanglement.SyncChange;
import io.entanglement.SyncStore;
import org.jspecify.annotations.Nullable;

/**
 * A synchronized type as the engine holds it: its store, the constant parts of its batch
 * envelope, and its subscriptions, indexed so that a change is offered to the
 * subscriptions that may see it rather than to all of them.
 * <p>
 * Subscriptions are indexed by the audience keys of their viewer when the policy names an
 * {@link AudienceIndex audience}, and otherwise by one attribute of their filter.
 *
 * @author Entanglement
 */
final class SyncType {

	/** How long a snapshot read from the store may serve later subscriptions. */
	private static final long SNAPSHOT_REUSE = TimeUnit.SECONDS.toNanos(1);

	private final String name;

	private final SyncStore store;

	private final String destination;

	private final byte[] envelopeStart;

	private final @Nullable AudienceIndex audience;

	private final SyncClock clock;

	private final boolean coalesces;

	private final int priority;

	/** Asked of the store on first use, when every type is known. */
	private volatile @Nullable Set<String> parentTypes;

	/**
	 * The newest encoding of each object, so snapshots and catch-up reuse what live
	 * fan-out already encoded instead of encoding per subscriber; at most
	 * {@link #keptAtMost} of them once trimmed.
	 */
	private final Map<String, Kept> latest = new ConcurrentHashMap<>();

	private final int keptAtMost;

	/** Set while one thread trims {@link #latest}; the others go on. */
	private final AtomicBoolean trimming = new AtomicBoolean();

	/**
	 * The last state of objects deleted here, by the version of their deletion, so
	 * catch-up decides who hears of a deletion as fan-out did: on what the object was.
	 * The oldest go once there are more than {@link #keptAtMost}.
	 */
	private final Map<String, Deleted> deleted = new ConcurrentHashMap<>();

	private final Queue<Map.Entry<String, Deleted>> deletedOrder = new ConcurrentLinkedQueue<>();

	private final AtomicInteger deletedQueued = new AtomicInteger();

	/** What catch-up needs to know of the access changes fanned out here. */
	private final AccessHistory accessHistory;

	/** How many changes of this type have been fanned out. */
	private final AtomicLong fannedOut = new AtomicLong();

	/** The last snapshot read from the store, shared by subscriptions that follow it. */
	private volatile @Nullable Snapshot snapshot;

	/** The subscriptions to this type; fan-out walks them without a shared lock. */
	private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

	/** Subscriptions by the audience keys of their viewer. */
	private final Map<String, Set<Subscription>> byAudienceKey = new ConcurrentHashMap<>();

	/** Subscriptions without a filter. */
	private final Set<Subscription> unfiltered = ConcurrentHashMap.newKeySet();

	/** Filtered subscriptions by the first attribute of their filter, then its value. */
	private final Map<String, Map<String, Set<Subscription>>> byFilter = new ConcurrentHashMap<>();

	/** The audience keys each subscription was indexed under. */
	private final Map<Subscription, Set<String>> keysOf = new ConcurrentHashMap<>();

	SyncType(SyncStore store, ChangeEncoder encoder, @Nullable AudienceIndex audience, SyncClock clock,
			int keptAtMost) {
		this.name = store.type();
		this.keptAtMost = keptAtMost;
		this.accessHistory = new AccessHistory(keptAtMost);
		this.clock = clock;
		this.coalesces = store.coalesce();
		this.priority = store.priority();

		this.store = store;
		this.audience = audience;
		this.destination = SyncManager.DESTINATION_PREFIX + this.name;
		this.envelopeStart = ("{\"type\":" + encoder.quote(this.name) + ",\"changes\":[")
			.getBytes(StandardCharsets.UTF_8);
	}

	String name() {
		return this.name;
	}

	boolean coalesces() {
		return this.coalesces;
	}

	int priority() {
		return this.priority;
	}

	Set<String> parentTypes() {
		Set<String> parents = this.parentTypes;
		if (parents == null) {
			parents = Set.copyOf(this.store.parentTypes());
			this.parentTypes = parents;
		}
		return parents;
	}

	SyncClock clock() {
		return this.clock;
	}

	SyncStore store() {
		return this.store;
	}

	String destination() {
		return this.destination;
	}

	byte[] envelopeStart() {
		return this.envelopeStart;
	}

	List<Subscription> subscriptions() {
		return this.subscriptions;
	}

	void add(Subscription subscription) {
		this.subscriptions.add(subscription);
		if (this.audience != null) {
			Set<String> keys = Set.copyOf(this.audience.keys(subscription.outbox.viewer()));
			this.keysOf.put(subscription, keys);
			for (String key : keys) {
				this.byAudienceKey.computeIfAbsent(key, (k) -> ConcurrentHashMap.newKeySet()).add(subscription);
			}
		}
		else if (subscription.filter.isEmpty()) {
			this.unfiltered.add(subscription);
		}
		else {
			Map.Entry<String, String> first = subscription.filter.entrySet().iterator().next();
			this.byFilter.computeIfAbsent(first.getKey(), (k) -> new ConcurrentHashMap<>())
				.computeIfAbsent(first.getValue(), (k) -> ConcurrentHashMap.newKeySet())
				.add(subscription);
		}
	}

	void remove(Subscription subscription) {
		this.subscriptions.remove(subscription);
		Set<String> keys = this.keysOf.remove(subscription);
		if (keys != null) {
			for (String key : keys) {
				this.byAudienceKey.computeIfPresent(key, (k, set) -> {
					set.remove(subscription);
					return set.isEmpty() ? null : set;
				});
			}
		}
		else if (subscription.filter.isEmpty()) {
			this.unfiltered.remove(subscription);
		}
		else {
			Map.Entry<String, String> first = subscription.filter.entrySet().iterator().next();
			Map<String, Set<Subscription>> byValue = this.byFilter.get(first.getKey());
			if (byValue != null) {
				byValue.computeIfPresent(first.getValue(), (k, set) -> {
					set.remove(subscription);
					return set.isEmpty() ? null : set;
				});
			}
		}
	}

	/**
	 * The subscriptions that may be interested in an object, given its states: a superset
	 * of those whose viewer may see one of the states and whose filter matches it.
	 * @param states the object's states (the new one, the one before), each an upsert;
	 * {@code null} entries are skipped
	 * @param scope the access before an access change, whose audience counts too, or
	 * {@code null}
	 * @return the candidates, each once
	 */
	Collection<Subscription> candidates(List<@Nullable SyncChange> states, @Nullable AccessScope scope) {
		if (states.stream().allMatch((state) -> state == null)) {
			return this.subscriptions;
		}
		if (this.audience != null) {
			Set<String> keys = new HashSet<>();
			for (SyncChange state : states) {
				if (state == null) {
					continue;
				}
				Set<String> audience = this.audience.audience(state);
				if (audience == null) {
					return this.subscriptions;
				}
				keys.addAll(audience);
				if (scope != null) {
					Set<String> before = audienceBefore(state, scope);
					if (before == null) {
						return this.subscriptions;
					}
					keys.addAll(before);
				}
			}
			return collect(keys.stream().map(this.byAudienceKey::get).toList());
		}
		List<@Nullable Set<Subscription>> sets = new ArrayList<>();
		sets.add(this.unfiltered);
		this.byFilter.forEach((attribute, byValue) -> {
			for (SyncChange state : states) {
				if (state != null) {
					Object value = state.state().get(attribute);
					if (value != null) {
						sets.add(byValue.get(value.toString()));
					}
				}
			}
		});
		return collect(sets);
	}

	/**
	 * The subscriptions whose viewers hold one of these audience keys.
	 */
	Collection<Subscription> withAudienceKeys(Set<String> keys) {
		return collect(keys.stream().map(this.byAudienceKey::get).toList());
	}

	/**
	 * The audience keys a subscription's viewer holds.
	 */
	Set<String> keysOf(Subscription subscription) {
		Set<String> keys = this.keysOf.get(subscription);
		return (keys != null) ? keys : Set.of();
	}

	/**
	 * The audience of an object as it was before an access change, or {@code null} if any
	 * viewer could see it (or the type has no audience index).
	 */
	@Nullable Set<String> audienceBefore(SyncChange state, AccessScope scope) {
		AudienceIndex audience = this.audience;
		if (audience == null) {
			return null;
		}
		List<@Nullable Set<String>> before = new ArrayList<>(1);
		scope.before(() -> before.add(audience.audience(state)));
		return before.get(0);
	}

	private static Collection<Subscription> collect(List<@Nullable Set<Subscription>> sets) {
		Set<Subscription> only = null;
		int nonEmpty = 0;
		for (Set<Subscription> set : sets) {
			if (set != null && !set.isEmpty()) {
				nonEmpty++;
				only = set;
			}
		}
		if (nonEmpty == 0) {
			return List.of();
		}
		if (nonEmpty == 1) {
			return only;
		}
		Set<Subscription> union = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Set<Subscription> set : sets) {
			if (set != null) {
				union.addAll(set);
			}
		}
		return union;
	}

	/**
	 * Count a change about to be fanned out: a snapshot read before it no longer serves
	 * subscriptions that register after it.
	 */
	void changing() {
		this.fannedOut.incrementAndGet();
	}

	/**
	 * Every object of the type. A snapshot read from the store serves later subscriptions
	 * for a short while, as long as no change of the type has been fanned out since: a
	 * subscription registers before it loads, so any change it could miss has been
	 * counted by then. Many sessions subscribing at once then cost one read.
	 * @return one upsert per object
	 */
	List<SyncChange> snapshot() {
		long seen = this.fannedOut.get();
		Snapshot cached = this.snapshot;
		if (cached != null && cached.fannedOut() == seen && System.nanoTime() - cached.readNanos() < SNAPSHOT_REUSE) {
			return cached.objects();
		}
		long readNanos = System.nanoTime();
		List<SyncChange> objects = List.copyOf(this.store.snapshot());
		this.snapshot = new Snapshot(seen, readNanos, objects);
		return objects;
	}

	private record Snapshot(long fannedOut, long readNanos, List<SyncChange> objects) {
	}

	/**
	 * The newest state of an object fanned out or loaded here.
	 */
	@Nullable SyncChange latest(String id) {
		Kept latest = this.latest.get(id);
		return (latest != null && latest.encoded().change().op() == SyncChange.Op.UPSERT) ? latest.encoded().change()
				: null;
	}

	/**
	 * Whether a newer version of the object than this one has been fanned out or loaded:
	 * the change is then stale (heard late from another instance, or overtaken by a state
	 * read from the store) and must not go out after the newer one.
	 */
	boolean isStale(SyncChange change) {
		Kept latest = this.latest.get(change.key().id());
		return latest != null && latest.encoded().version() > change.version();
	}

	void remember(EncodedChange change) {
		remember(change, false);
	}

	/**
	 * Keep the newest encoding of an object.
	 * @param change the encoding
	 * @param inOrder whether it is fanned out in commit order: no older version of the
	 * object can come after it
	 */
	void remember(EncodedChange change, boolean inOrder) {
		if (change.change().op() == SyncChange.Op.DELETE) {
			this.latest.remove(change.id());
			return;
		}
		this.deleted.remove(change.id());
		// A state read from the store may be newer than what has been fanned out: its
		// older versions are still to come, and isStale needs it until they have.
		long settledAt = inOrder ? 0 : Math.max(this.clock.maxAllocated, this.clock.watermark());
		Kept kept = new Kept(change, settledAt, System.nanoTime());
		this.latest.merge(change.id(), kept,
				(old, next) -> (next.encoded().version() > old.encoded().version()) ? next : old);
		if (this.latest.size() > this.keptAtMost + this.keptAtMost / 8) {
			trim();
		}
	}

	/**
	 * Drop the least recently kept encodings down to the limit, among those no older
	 * version can still overtake.
	 */
	private void trim() {
		if (!this.trimming.compareAndSet(false, true)) {
			return;
		}
		try {
			long watermark = this.clock.watermark();
			List<Map.Entry<String, Kept>> settled = new ArrayList<>(this.latest.size());
			for (Map.Entry<String, Kept> entry : this.latest.entrySet()) {
				if (entry.getValue().settledAt() <= watermark) {
					settled.add(Map.entry(entry.getKey(), entry.getValue()));
				}
			}
			settled.sort(Comparator.comparingLong((entry) -> entry.getValue().nanoTime()));
			int excess = this.latest.size() - this.keptAtMost;
			for (int i = 0; i < settled.size() && excess > 0; i++) {
				if (this.latest.remove(settled.get(i).getKey(), settled.get(i).getValue())) {
					excess--;
				}
			}
		}
		finally {
			this.trimming.set(false);
		}
	}

	/**
	 * Keep the last state of an object its deletion was fanned out with.
	 * @param delete the deletion
	 * @param last the object's state before it
	 */
	void rememberDeleted(SyncChange delete, SyncChange last) {
		Map.Entry<String, Deleted> kept = Map.entry(delete.key().id(), new Deleted(delete.version(), last));
		this.deleted.merge(kept.getKey(), kept.getValue(),
				(old, next) -> (next.version() > old.version()) ? next : old);
		// Counted by deletions, not by objects: an id deleted again is queued again.
		this.deletedOrder.add(kept);
		int queued = this.deletedQueued.incrementAndGet();
		while (queued > this.keptAtMost) {
			Map.Entry<String, Deleted> oldest = this.deletedOrder.poll();
			if (oldest == null) {
				break;
			}
			this.deleted.remove(oldest.getKey(), oldest.getValue());
			queued = this.deletedQueued.decrementAndGet();
		}
	}

	/**
	 * The state an object had before the deletion of the given version, if it is still
	 * kept here.
	 * @param id the object id
	 * @param version the version of the deletion
	 * @return its last state, or {@code null} if not known here
	 */
	@Nullable SyncChange lastStateBeforeDeletion(String id, long version) {
		Deleted deleted = this.deleted.get(id);
		return (deleted != null && deleted.version() == version) ? deleted.last() : null;
	}

	private record Deleted(long version, SyncChange last) {
	}

	/**
	 * The access changes of this type fanned out here, as far as catch-up needs them.
	 * @return the history
	 */
	AccessHistory accessHistory() {
		return this.accessHistory;
	}

	/**
	 * How many deleted objects keep their last state here, and how many deletions wait in
	 * the order they are dropped in.
	 * @return the two counts
	 */
	int[] keptDeleted() {
		return new int[] { this.deleted.size(), this.deletedQueued.get() };
	}

	/**
	 * How many objects keep their newest encoding here.
	 * @return the count
	 */
	int kept() {
		return this.latest.size();
	}

	EncodedChange encode(SyncChange change, ChangeEncoder encoder) {
		Kept kept = this.latest.get(change.key().id());
		EncodedChange cached = (kept != null) ? kept.encoded() : null;
		if (cached != null && cached.version() == change.version() && cached.change().op() == change.op()) {
			return cached;
		}
		EncodedChange encoded = encoder.encode(change);
		remember(encoded);
		return encoded;
	}

	/**
	 * An encoding kept, with the clock position up to which an older version of the
	 * object may still be fanned out, and when it was kept.
	 */
	private record Kept(EncodedChange encoded, long settledAt, long nanoTime) {
	}

}
