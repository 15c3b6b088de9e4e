package io.entanglement;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A change proposed by a client or server code: it travels to the object's owner, who
 * accepts or rejects it.
 *
 * @param requestId the proposer's correlation id, echoed in the reply
 * @param type the type name
 * @param id the object id, {@code null} to create an object
 * @param baseVersion the version the proposer based its change on, {@code null} for no
 * check
 * @param state the attributes to change, merged onto the current state
 * @param delete whether to delete the object
 * @param transition the id of the transition this proposal commits, or {@code null}
 * @author Entanglement
 */
public record Proposal(String requestId, String type, @Nullable String id, @Nullable Long baseVersion,
		Map<String, @Nullable Object> state, boolean delete, @Nullable String transition) {

	/**
	 * A proposal that commits no transition.
	 * @param requestId the proposer's correlation id
	 * @param type the type name
	 * @param id the object id, {@code null} to create an object
	 * @param baseVersion the version the proposer based its change on, or {@code null}
	 * @param state the attributes to change
	 * @param delete whether to delete the object
	 */
	public Proposal(String requestId, String type, @Nullable String id, @Nullable Long baseVersion,
			Map<String, @Nullable Object> state, boolean delete) {
		this(requestId, type, id, baseVersion, state, delete, null);
	}

	/**
	 * Whether this proposal creates an object.
	 * @return {@code true} if no id was given
	 */
	public boolean isCreate() {
		return this.id == null;
	}

}
