package io.entanglement.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.entanglement.ConflictException;
import io.entanglement.NotFoundException;
import io.entanglement.ObjectKey;
import io.entanglement.StoreContext;
import io.entanglement.StoreWrite;
import io.entanglement.SyncChange;
import io.entanglement.SyncException;
import io.entanglement.SyncStore;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Objects that never touch the database: presence, cursors, calls and their answers. They
 * are synchronized like entities (policy, labels, coalescing, proposals to their owner,
 * catch-up within the node's lifetime); after a restart they are gone and resuming
 * clients get a reset.
 * <p>
 * Declare one as a bean and it is registered under its type name:
 *
 * <pre class="code">
 * &#64;Bean
 * EphemeralStore presence() {
 *     return EphemeralStore.of("presence", "group", "status").sessionBound().ttl(Duration.ofMinutes(5));
 * }
 * </pre>
 *
 * Server code writes with {@link #put(String, String, Map)} and {@link #remove(String)};
 * clients create and change objects with proposals. A store made with
 * {@link #calls(String, Set, Handler)} stores nothing: each proposal is a call, answered
 * by the handler through the proposer's reply.
 *
 * @author Entanglement
 */
public final class EphemeralStore implements SyncStore {

	private static final int MAX_REMEMBERED_REMOVALS = 100_000;

	private final String type;

	private final Set<String> attributes;

	private final Map<String, Entry> objects = new ConcurrentHashMap<>();

	/**
	 * The version of the delete of recently removed objects, so an object put again under
	 * the same id continues with newer versions.
	 */
	private final Map<String, Long> removed = new LinkedHashMap<>() {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
			return size() > MAX_REMEMBERED_REMOVALS;
		}

	};

	private final @Nullable Handler handler;

	private @Nullable String labelAttribute;

	private boolean sessionBound;

	private @Nullable Duration ttl;

	private boolean coalesce = true;

	private int priority;

	private boolean nodeOwned;

	private Set<String> parentTypes = Set.of();

	private volatile @Nullable StoreContext context;

	private EphemeralStore(String type, Set<String> attributes, @Nullable Handler handler) {
		Assert.hasText(type, "'type' must not be empty");
		this.type = type;
		this.attributes = Set.copyOf(attributes);
		this.handler = handler;
	}

	/**
	 * A store of objects with the given attributes. Objects created by a proposal are
	 * owned by their creator.
	 * @param type the type name
	 * @param attributes the synchronized attributes
	 * @return the store
	 */
	public static EphemeralStore of(String type, String... attributes) {
		return new EphemeralStore(type, new LinkedHashSet<>(Arrays.asList(attributes)), null);
	}

	/**
	 * A store of calls: every proposal that creates an object of this type calls the
	 * handler with the proposed attributes, and the proposer's reply carries what it
	 * returns. Nothing is stored or sent to subscribers. A {@link SyncException} the
	 * handler throws becomes a rejection with its code.
	 * @param type the type name
	 * @param arguments the attributes a call may carry
	 * @param handler answers calls
	 * @return the store
	 */
	public static EphemeralStore calls(String type, Set<String> arguments, Handler handler) {
		return new EphemeralStore(type, arguments, handler);
	}

	/**
	 * Mark one attribute as the mandatory access control label of each object.
	 * @param attribute the label attribute, one of the synchronized attributes
	 * @return this store
	 */
	public EphemeralStore labelAttribute(String attribute) {
		Assert.isTrue(this.attributes.contains(attribute), () -> "'" + attribute + "' is not an attribute");
		this.labelAttribute = attribute;
		return this;
	}

	/**
	 * Remove an object when the last session of its owner closes: presence.
	 * @return this store
	 */
	public EphemeralStore sessionBound() {
		this.sessionBound = true;
		return this;
	}

	/**
	 * Remove objects that have not changed for the given time.
	 * @param ttl the time to live after the last change
	 * @return this store
	 */
	public EphemeralStore ttl(Duration ttl) {
		Assert.isTrue(!ttl.isNegative() && !ttl.isZero(), "'ttl' must be positive");
		this.ttl = ttl;
		return this;
	}

	/**
	 * Deliver every version of each object instead of coalescing to the newest.
	 * @return this store
	 */
	public EphemeralStore everyVersion() {
		this.coalesce = false;
		return this;
	}

	/**
	 * Send pending objects of this type before those of lower priority.
	 * @param priority the priority
	 * @return this store
	 */
	public EphemeralStore priority(int priority) {
		this.priority = priority;
		return this;
	}

	/**
	 * Send a session the objects of these types before this type's snapshot or catch-up.
	 * @param types the parent types
	 * @return this store
	 */
	public EphemeralStore parents(String... types) {
		this.parentTypes = Set.of(types);
		return this;
	}

	/**
	 * Let objects created by proposals be owned by this node rather than by their
	 * creator.
	 * @return this store
	 */
	public EphemeralStore nodeOwned() {
		this.nodeOwned = true;
		return this;
	}

	// -- Server-side writes
	// --------------------------------------------------------------

	/**
	 * Create or replace an object, authoritatively.
	 * @param id the object id
	 * @param owner its owner, {@code null} for this node
	 * @param state its attributes
	 * @return the object as published
	 * @throws IllegalArgumentException if an attribute is not synchronized
	 */
	public synchronized SyncChange put(String id, @Nullable String owner, Map<String, @Nullable Object> state) {
		for (String name : state.keySet()) {
			Assert.isTrue(this.attributes.contains(name), () -> "'" + name + "' is not an attribute of " + this.type);
		}
		Entry previous = this.objects.get(id);
		Long deleted = this.removed.remove(id);
		long version = (previous != null) ? previous.change.version() + 1 : (deleted != null) ? deleted + 1 : 0;
		SyncChange change = SyncChange.upsert(new ObjectKey(this.type, id), (owner != null) ? owner : nodeId(), version,
				Map.copyOf(withoutNulls(state)));
		this.objects.put(id, new Entry(change, System.nanoTime()));
		publish(change, (previous != null) ? previous.change : null);
		return change;
	}

	/**
	 * Remove an object.
	 * @param id the object id
	 * @return whether it existed
	 */
	public synchronized boolean remove(String id) {
		Entry previous = this.objects.remove(id);
		if (previous == null) {
			return false;
		}
		long version = previous.change.version() + 1;
		this.removed.put(id, version);
		publish(SyncChange.delete(previous.change.key(), version), previous.change);
		return true;
	}

	/**
	 * The current state of an object.
	 * @param id the object id
	 * @return the object, or {@code null}
	 */
	public @Nullable SyncChange get(String id) {
		Entry entry = this.objects.get(id);
		return (entry != null) ? entry.change : null;
	}

	// -- SyncStore ----------------------------------------------------------------------

	@Override
	public String type() {
		return this.type;
	}

	@Override
	public List<SyncChange> snapshot() {
		List<SyncChange> snapshot;
		// Copied under the lock that orders puts and their publishing; sorted outside it,
		// so puts do not wait for the sort.
		synchronized (this) {
			snapshot = new ArrayList<>(this.objects.size());
			for (Entry entry : this.objects.values()) {
				snapshot.add(entry.change);
			}
		}
		snapshot.sort(Comparator.comparing((SyncChange change) -> change.key().id()));
		return Collections.unmodifiableList(snapshot);
	}

	@Override
	public synchronized List<SyncChange> load(Collection<String> ids) {
		List<SyncChange> found = new ArrayList<>(ids.size());
		for (String id : ids) {
			Entry entry = this.objects.get(id);
			if (entry != null) {
				found.add(entry.change);
			}
		}
		return found;
	}

	@Override
	public Set<String> attributes() {
		return this.attributes;
	}

	@Override
	public @Nullable String labelAttribute() {
		return this.labelAttribute;
	}

	@Override
	public boolean coalesce() {
		return this.coalesce;
	}

	@Override
	public int priority() {
		return this.priority;
	}

	@Override
	public Set<String> parentTypes() {
		return this.parentTypes;
	}

	@Override
	public boolean repliesWithState() {
		return this.handler != null;
	}

	@Override
	public void attach(StoreContext context) {
		Assert.state(this.context == null, () -> "Store '" + this.type + "' is attached twice");
		this.context = context;
		if (this.sessionBound) {
			context.onUserLeft(this::removeOwnedBy);
		}
		Duration ttl = this.ttl;
		if (ttl != null) {
			context.every(ttl.dividedBy(4).isZero() ? ttl : ttl.dividedBy(4), this::expire);
		}
	}

	@Override
	public synchronized SyncChange apply(StoreWrite write) {
		Handler handler = this.handler;
		if (handler != null) {
			if (write.id() != null) {
				throw new NotFoundException("Calls of " + this.type + " cannot be changed");
			}
			Map<String, @Nullable Object> result = handler.handle(write.creator(), write.state());
			return SyncChange.upsert(new ObjectKey(this.type, UUID.randomUUID().toString()), nodeId(), 0,
					(result != null) ? result : Map.of());
		}
		if (write.id() == null) {
			String owner = (this.nodeOwned || write.creator() == null) ? null : write.creator();
			return put(UUID.randomUUID().toString(), owner, write.state());
		}
		Entry entry = this.objects.get(write.id());
		if (entry == null) {
			throw new NotFoundException("No " + this.type + " '" + write.id() + "'");
		}
		SyncChange current = entry.change;
		if (write.expectedVersion() != null && write.expectedVersion() != current.version()) {
			throw new ConflictException("Version " + write.expectedVersion()
					+ " is not current; the current version is " + current.version(), current);
		}
		if (write.delete()) {
			remove(write.id());
			return SyncChange.delete(current.key(), current.version() + 1);
		}
		Map<String, @Nullable Object> state = new LinkedHashMap<>(current.state());
		state.putAll(write.state());
		String owner = (write.newOwner() != null) ? write.newOwner() : current.owner();
		return put(write.id(), owner, state);
	}

	private synchronized void removeOwnedBy(String user) {
		for (Entry entry : List.copyOf(this.objects.values())) {
			if (Objects.equals(entry.change.owner(), user)) {
				remove(entry.change.key().id());
			}
		}
	}

	private synchronized void expire() {
		Duration ttl = this.ttl;
		if (ttl == null) {
			return;
		}
		long now = System.nanoTime();
		for (Entry entry : List.copyOf(this.objects.values())) {
			if (now - entry.changedNanos > ttl.toNanos()) {
				remove(entry.change.key().id());
			}
		}
	}

	private void publish(SyncChange change, @Nullable SyncChange previous) {
		StoreContext context = this.context;
		if (context != null) {
			List<@Nullable SyncChange> before = new ArrayList<>(1);
			before.add(previous);
			context.publish(List.of(change), before);
		}
	}

	private String nodeId() {
		StoreContext context = this.context;
		return (context != null) ? context.nodeId() : "node";
	}

	private static Map<String, Object> withoutNulls(Map<String, @Nullable Object> state) {
		Map<String, Object> copy = new LinkedHashMap<>();
		state.forEach((name, value) -> {
			if (value != null) {
				copy.put(name, value);
			}
		});
		return copy;
	}

	/**
	 * Answers calls made by proposals to a call type.
	 */
	@FunctionalInterface
	public interface Handler {

		/**
		 * Answer one call.
		 * @param caller the principal name of the caller
		 * @param arguments the proposed attributes
		 * @return the result, sent to the caller in the reply
		 * @throws SyncException to reject the call with the exception's code
		 */
		@Nullable Map<String, @Nullable Object> handle(@Nullable String caller, Map<String, @Nullable Object> arguments);

	}

	private record Entry(SyncChange change, long changedNanos) {
	}

}
