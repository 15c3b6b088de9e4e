package io.entanglement.engine;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.entanglement.StoreWrite;
import io.entanglement.SyncChange;
import io.entanglement.SyncStore;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SyncStore} held in memory: the current state of each object of one type.
 *
 * @author Entanglement
 */
public final class InMemorySyncStore implements SyncStore {

	private final String type;

	private final Map<String, SyncChange> objects = new ConcurrentHashMap<>();

	private final List<String> loaded = new CopyOnWriteArrayList<>();

	private final Set<String> attributes;

	private final @Nullable String labelAttribute;

	/**
	 * Create an empty store.
	 * @param type the type name
	 */
	public InMemorySyncStore(String type) {
		this(type, Set.of(), null);
	}

	/**
	 * Create an empty store with attributes.
	 * @param type the type name
	 * @param attributes the synchronized attributes
	 * @param labelAttribute the label attribute, or {@code null}
	 */
	public InMemorySyncStore(String type, Set<String> attributes, @Nullable String labelAttribute) {
		this.type = type;
		this.attributes = attributes;
		this.labelAttribute = labelAttribute;
	}

	/**
	 * Apply a change to the current state: an upsert replaces the object, a delete
	 * removes it.
	 * @param change the change
	 */
	public void apply(SyncChange change) {
		if (change.op() == SyncChange.Op.DELETE) {
			this.objects.remove(change.key().id());
		}
		else {
			this.objects.put(change.key().id(), change);
		}
	}

	/**
	 * Tests number this store's commits in their change log, as a transactional capture
	 * would.
	 */
	@Override
	public boolean durable() {
		return true;
	}

	@Override
	public String type() {
		return this.type;
	}

	@Override
	public List<SyncChange> snapshot() {
		return this.objects.values().stream().sorted(Comparator.comparing((change) -> change.key().id())).toList();
	}

	@Override
	public List<SyncChange> load(Collection<String> ids) {
		this.loaded.addAll(ids);
		return ids.stream().map(this.objects::get).filter((change) -> change != null).toList();
	}

	/**
	 * The ids {@link #load(Collection)} was asked for, in order, since the store was
	 * created.
	 * @return the ids
	 */
	public List<String> loaded() {
		return List.copyOf(this.loaded);
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
	public SyncChange apply(StoreWrite write) {
		throw new UnsupportedOperationException("This store takes changes through apply(SyncChange) only");
	}

}
