package io.entanglement;

import java.util.Collection;
import java.util.List;

/**
 * Where the current state of one synchronized type lives. The engine reads it for
 * snapshots and catch-up; changes reach the engine from the store's own change capture.
 *
 * @author Entanglement
 */
public interface SyncStore {

	/**
	 * The type name this store holds.
	 * @return the type name
	 */
	String type();

	/**
	 * The current state of every object of the type.
	 * @return one upsert per object
	 */
	List<SyncChange> snapshot();

	/**
	 * The current state of the given objects; ids that no longer exist are left out.
	 * @param ids the object ids
	 * @return one upsert per existing object
	 */
	List<SyncChange> load(Collection<String> ids);

}
