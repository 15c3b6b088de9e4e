package io.entanglement;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An owner-approved change for a {@link SyncStore} to apply: validated attributes only,
 * never an id, owner or version from the proposer.
 *
 * @param id the object id, {@code null} to create
 * @param expectedVersion the version the object must still have, {@code null} for no
 * check
 * @param state the attributes to set
 * @param delete whether to delete the object
 * @param creator the principal creating the object, its owner if the type has owners
 * @param newOwner the object's new owner, for an ownership change; {@code null} otherwise
 * @author Entanglement
 */
public record StoreWrite(@Nullable String id, @Nullable Long expectedVersion, Map<String, @Nullable Object> state,
		boolean delete, @Nullable String creator, @Nullable String newOwner) {

	/**
	 * A write of attributes, or a delete.
	 * @param id the object id, {@code null} to create
	 * @param expectedVersion the version the object must still have, {@code null} for no
	 * check
	 * @param state the attributes to set
	 * @param delete whether to delete the object
	 * @param creator the principal creating the object
	 */
	public StoreWrite(@Nullable String id, @Nullable Long expectedVersion, Map<String, @Nullable Object> state,
			boolean delete, @Nullable String creator) {
		this(id, expectedVersion, state, delete, creator, null);
	}

}
