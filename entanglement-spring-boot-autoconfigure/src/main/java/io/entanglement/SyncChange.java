package io.entanglement;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One version of one synchronized object, as subscribers see it: an upsert with the full
 * synchronized state, or a delete.
 *
 * @param op whether the object was created or updated, or deleted
 * @param key the object
 * @param owner the owner (node id or user principal name), {@code null} for deletes
 * @param version the object version; it only increases
 * @param state the synchronized attributes, empty for deletes
 * @author Entanglement
 */
public record SyncChange(Op op, ObjectKey key, @Nullable String owner, long version,
		Map<String, @Nullable Object> state) {

	/**
	 * Create an upsert.
	 * @param key the object
	 * @param owner its owner
	 * @param version its version
	 * @param state its synchronized attributes
	 * @return the change
	 */
	public static SyncChange upsert(ObjectKey key, String owner, long version, Map<String, @Nullable Object> state) {
		return new SyncChange(Op.UPSERT, key, owner, version, state);
	}

	/**
	 * Create a delete.
	 * @param key the object
	 * @param version the version of the delete, newer than any version of the object
	 * @return the change
	 */
	public static SyncChange delete(ObjectKey key, long version) {
		return new SyncChange(Op.DELETE, key, null, version, Map.of());
	}

	/**
	 * Tell a viewer that an object it may hold is no longer visible to it; the object
	 * still exists.
	 * @param key the object
	 * @param version the version that made it invisible
	 * @return the change
	 */
	public static SyncChange forget(ObjectKey key, long version) {
		return new SyncChange(Op.FORGET, key, null, version, Map.of());
	}

	/**
	 * What happened to the object.
	 */
	public enum Op {

		/**
		 * Created or updated; the state is the object's full synchronized state.
		 */
		UPSERT("upsert"),

		/**
		 * Deleted.
		 */
		DELETE("delete"),

		/**
		 * Still exists, but the viewer may no longer see it.
		 */
		FORGET("forget");

		private final String wireName;

		Op(String wireName) {
			this.wireName = wireName;
		}

		/**
		 * The name of the operation on the wire.
		 * @return the wire name
		 */
		public String wireName() {
			return this.wireName;
		}

	}

}
