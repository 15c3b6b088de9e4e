package io.entanglement.engine;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A proposal forwarded to the sessions of the user who owns the object.
 *
 * @param requestId the id the owner answers under (not the proposer's)
 * @param type the type name
 * @param id the object id
 * @param from the proposer's principal name
 * @param baseVersion the version the proposal was based on
 * @param state the proposed attributes
 * @param delete whether the proposal deletes the object
 * @author Entanglement
 */
public record OwnerRequest(String requestId, String type, String id, @Nullable String from, @Nullable Long baseVersion,
		Map<String, @Nullable Object> state, boolean delete) {

}
