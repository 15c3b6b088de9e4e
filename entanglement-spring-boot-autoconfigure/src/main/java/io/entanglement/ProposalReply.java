package io.entanglement;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The one answer every proposal gets: accepted with the object's id and new version, or
 * rejected with a code and a message.
 *
 * @param requestId the proposer's correlation id
 * @param status {@code accepted} or {@code rejected}
 * @param id the object id, when accepted
 * @param version the object's version after the change, when accepted
 * @param code why it was rejected
 * @param message a human-readable explanation, when rejected
 * @param current the object's current state, sent back with a {@code conflict}
 * @param result what a call returned, for types that answer calls
 * @author Entanglement
 */
public record ProposalReply(String requestId, String status, @Nullable String id, @Nullable Long version,
		@Nullable String code, @Nullable String message, @Nullable SyncChange current,
		@Nullable Map<String, @Nullable Object> result) {

	/**
	 * A reply without a call result.
	 * @param requestId the proposer's correlation id
	 * @param status {@code accepted} or {@code rejected}
	 * @param id the object id, when accepted
	 * @param version the object's version after the change, when accepted
	 * @param code why it was rejected
	 * @param message a human-readable explanation, when rejected
	 * @param current the object's current state, sent back with a {@code conflict}
	 */
	public ProposalReply(String requestId, String status, @Nullable String id, @Nullable Long version,
			@Nullable String code, @Nullable String message, @Nullable SyncChange current) {
		this(requestId, status, id, version, code, message, current, null);
	}

	/** The status of an accepted proposal. */
	public static final String ACCEPTED = "accepted";

	/** The status of a rejected proposal. */
	public static final String REJECTED = "rejected";

	/**
	 * An accepted proposal.
	 * @param requestId the correlation id
	 * @param id the object id
	 * @param version its version after the change
	 * @return the reply
	 */
	public static ProposalReply accepted(String requestId, String id, long version) {
		return new ProposalReply(requestId, ACCEPTED, id, version, null, null, null);
	}

	/**
	 * An accepted call, with its result.
	 * @param requestId the correlation id
	 * @param id the id of the call
	 * @param version its version
	 * @param result what the call returned
	 * @return the reply
	 */
	public static ProposalReply accepted(String requestId, String id, long version,
			Map<String, @Nullable Object> result) {
		return new ProposalReply(requestId, ACCEPTED, id, version, null, null, null, result);
	}

	/**
	 * A rejected proposal; the code comes from the exception, the one place codes are
	 * mapped.
	 * @param requestId the correlation id
	 * @param ex why
	 * @return the reply
	 */
	public static ProposalReply rejected(String requestId, SyncException ex) {
		SyncChange current = (ex instanceof ConflictException conflict) ? conflict.getCurrent() : null;
		return new ProposalReply(requestId, REJECTED, null, null, ex.getCode(), ex.getMessage(), current);
	}

	/**
	 * Whether the proposal was accepted.
	 * @return {@code true} if accepted
	 */
	public boolean isAccepted() {
		return ACCEPTED.equals(this.status);
	}

}
