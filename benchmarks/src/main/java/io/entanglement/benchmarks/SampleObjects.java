package io.entanglement.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.entanglement.ObjectKey;
import io.entanglement.StoreWrite;
import io.entanglement.SyncChange;
import io.entanglement.SyncStore;
import org.jspecify.annotations.Nullable;

/**
 * A fixed set of small objects of one type, each with the five attributes of a typical
 * synchronized entity (a map marker: a title, two coordinates, a colour, a flag), and the
 * {@link SyncStore} that serves them at version 1.
 *
 * @author Entanglement
 */
final class SampleObjects implements SyncStore {

	static final String TYPE = "marker";

	static final String OWNER = "alice";

	/** The attribute that holds the label of labelled objects. */
	static final String LABEL_ATTRIBUTE = "label";

	private final List<ObjectKey> keys;

	private final @Nullable String label;

	SampleObjects(int count) {
		this(count, null);
	}

	/**
	 * Objects that all carry a mandatory access label.
	 * @param count the number of objects
	 * @param label their label, {@code null} for unlabelled objects
	 */
	SampleObjects(int count, @Nullable String label) {
		List<ObjectKey> keys = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			keys.add(new ObjectKey(TYPE, Integer.toString(i)));
		}
		this.keys = List.copyOf(keys);
		this.label = label;
	}

	int size() {
		return this.keys.size();
	}

	/**
	 * The upsert of one object at a version; the attributes vary with the version as an
	 * edited object's would.
	 */
	SyncChange change(int index, long version) {
		return SyncChange.upsert(this.keys.get(index), OWNER, version, state(index, version));
	}

	private Map<String, @Nullable Object> state(int index, long version) {
		// Shaped like the JPA capture's state: insertion-ordered, unmodifiable.
		Map<String, @Nullable Object> state = new LinkedHashMap<>(8);
		state.put("title", "Marker " + index);
		state.put("lat", 48.8566 + (version % 1000) * 1.0e-4);
		state.put("lng", 2.3522 - (version % 997) * 1.0e-4);
		state.put("color", "#3366ff");
		state.put("visible", (version & 1) == 0);
		if (this.label != null) {
			state.put(LABEL_ATTRIBUTE, this.label);
		}
		return Collections.unmodifiableMap(state);
	}

	/**
	 * Benchmarks number their commits on the database clock, as a transactional capture
	 * would.
	 */
	@Override
	public boolean durable() {
		return true;
	}

	@Override
	public String type() {
		return TYPE;
	}

	@Override
	public List<SyncChange> snapshot() {
		List<SyncChange> changes = new ArrayList<>(this.keys.size());
		for (int i = 0; i < this.keys.size(); i++) {
			changes.add(change(i, 1));
		}
		return changes;
	}

	@Override
	public List<SyncChange> load(Collection<String> ids) {
		List<SyncChange> changes = new ArrayList<>(ids.size());
		for (int i = 0; i < this.keys.size(); i++) {
			if (ids.contains(this.keys.get(i).id())) {
				changes.add(change(i, 1));
			}
		}
		return changes;
	}

	@Override
	public @Nullable String labelAttribute() {
		return (this.label != null) ? LABEL_ATTRIBUTE : null;
	}

	@Override
	public Set<String> attributes() {
		return Set.of();
	}

	@Override
	public SyncChange apply(StoreWrite write) {
		throw new UnsupportedOperationException("The benchmark store is read-only");
	}

}
