package io.entanglement;

import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

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
	 * Whether the store's changes are captured in the transactions that make them and
	 * numbered in the database's change log, so catch-up survives restarts. Stores that
	 * are not durable publish their changes through the {@link StoreContext} and are
	 * caught up within the node's lifetime; after a restart, resuming clients get a reset
	 * and a fresh snapshot.
	 * @return {@code false} by default
	 */
	default boolean durable() {
		return false;
	}

	/**
	 * Called once when the store is registered with the engine.
	 * @param context how to publish changes and learn of users leaving
	 */
	default void attach(StoreContext context) {
	}

	/**
	 * Whether pending changes of one object coalesce into its newest state (the default),
	 * or every version reaches every subscriber, in order. A subscriber too far behind is
	 * reset either way.
	 * @return {@code true} to coalesce
	 */
	default boolean coalesce() {
		return true;
	}

	/**
	 * When a session has pending changes of several types, those of higher priority go
	 * first.
	 * @return the priority, {@code 0} by default
	 */
	default int priority() {
		return 0;
	}

	/**
	 * Types whose objects this type's objects refer to, and which a session that
	 * subscribes to both must receive first: a session's snapshot or catch-up of this
	 * type waits until those of these types have been sent, so a client can keep
	 * referential integrity.
	 * @return the parent types, none by default
	 */
	default Set<String> parentTypes() {
		return Set.of();
	}

	/**
	 * Whether an accepted proposal's reply carries the resulting state, as a call's
	 * result.
	 * @return {@code false} by default
	 */
	default boolean repliesWithState() {
		return false;
	}

	/**
	 * The current state of every object of the type. A store that publishes its own
	 * changes must not return a state it has not yet handed to
	 * {@link StoreContext#publish} (for example by reading under the lock it publishes
	 * under); a durable store's commits are numbered before they become visible.
	 * @return one upsert per object
	 */
	List<SyncChange> snapshot();

	/**
	 * The current state of the given objects; ids that no longer exist are left out. The
	 * same rule as for {@link #snapshot()} applies.
	 * @param ids the object ids
	 * @return one upsert per existing object
	 */
	List<SyncChange> load(Collection<String> ids);

	/**
	 * The current state of one object.
	 * @param id the object id
	 * @return the object, or {@code null} if it does not exist
	 */
	default @Nullable SyncChange find(String id) {
		List<SyncChange> found = load(List.of(id));
		return found.isEmpty() ? null : found.get(0);
	}

	/**
	 * The names of the attributes a proposal may set.
	 * @return the synchronized attribute names
	 */
	Set<String> attributes();

	/**
	 * The application's name for the class of the objects, such as the entity class name:
	 * with {@link #identifier(String)} it identifies an object outside Entanglement, as
	 * an access control list's object identity.
	 * @return the domain type, by default the type name
	 */
	default String domainType() {
		return type();
	}

	/**
	 * An object's id as the application types it, such as the entity's id type.
	 * @param id the id as it travels on the wire
	 * @return the typed id, by default the string itself
	 * @throws InvalidRequestException if the id does not fit the id type
	 */
	default Object identifier(String id) {
		return id;
	}

	/**
	 * The attribute that holds each object's mandatory access control label.
	 * @return the attribute name, or {@code null} if objects of this type are not
	 * labelled
	 */
	default @Nullable String labelAttribute() {
		return null;
	}

	/**
	 * Apply an owner-approved change, authoritatively, and publish it the way every
	 * change of this store is published. Non-owner proposals never reach this method.
	 * @param write the change
	 * @return the object's state after the change (a delete for a deletion)
	 * @throws SyncException if the object is gone ({@link NotFoundException}), changed
	 * since ({@link ConflictException}) or the values do not fit
	 * ({@link InvalidRequestException})
	 */
	SyncChange apply(StoreWrite write);

	/**
	 * Store the state of objects as an upstream peer sent it: the next hop toward their
	 * owners has approved it, so each object keeps the owner and the version it has
	 * upstream (no local version increment). An upsert creates or replaces the object, a
	 * delete removes it; each change is published the way every change of this store is
	 * published. Changes that are not newer than what the store holds are skipped.
	 * <p>
	 * Only stores that can hold objects of other owners, under ids chosen elsewhere, can
	 * mirror: the default refuses.
	 * @param changes the changes, in order, at most one per object
	 * @return the changes applied
	 * @throws UnsupportedOperationException if this store cannot mirror
	 */
	default List<SyncChange> mirror(List<SyncChange> changes) {
		throw new UnsupportedOperationException("Type '" + type() + "' cannot be mirrored from a peer");
	}

}
