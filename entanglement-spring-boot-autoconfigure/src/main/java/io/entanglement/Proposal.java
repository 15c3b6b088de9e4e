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
 * @author Entanglement
 */
public record Proposal(String requestId, String type, @Nullable String id, @Nullable Long baseVersion,
		Map<String, @Nullable Object> state, boolean delete) {

	/**
	 * Whether this proposal creates an object.
	 * @return {@code true} if no id was given
	 */
	public boolean isCreate() {
		return this.id == null;
	}

}
