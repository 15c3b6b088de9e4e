package io.entanglement;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A user owner's answer to a forwarded proposal.
 *
 * @param accept whether the owner accepts
 * @param state the final state the owner approves (merged onto the current state); empty
 * to take the proposal as it is
 * @param code the rejection code, when rejecting
 * @param message the rejection message, when rejecting
 * @author Entanglement
 */
public record OwnerDecision(boolean accept, Map<String, @Nullable Object> state, @Nullable String code,
		@Nullable String message) {

}
