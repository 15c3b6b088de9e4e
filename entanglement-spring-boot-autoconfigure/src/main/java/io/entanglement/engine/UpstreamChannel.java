package io.entanglement.engine;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.entanglement.Proposal;
import io.entanglement.ProposalReply;
import org.jspecify.annotations.Nullable;

/**
 * Reaches the upstream peers of this node, so proposals for mirrored objects travel
 * toward their owners, one hop at a time.
 *
 * @author Entanglement
 */
public interface UpstreamChannel {

	/**
	 * Whether the link to the peer is up.
	 * @param peer the peer name
	 * @return {@code true} if a proposal can be sent
	 */
	boolean isConnected(String peer);

	/**
	 * Send a proposal to the peer, as this node's link principal.
	 * @param peer the peer name
	 * @param proposal the proposal (its request id is the local proposer's)
	 * @return the peer's reply, for the link's own request id
	 */
	CompletableFuture<ProposalReply> propose(String peer, Proposal proposal);

	/**
	 * Show a transition of a mirrored object upstream, as the link's.
	 * @param peer the peer name
	 * @param type the type name
	 * @param id the object id
	 * @param transitionId the transition id
	 * @param state the attributes shown over the object
	 */
	default void transition(String peer, String type, String id, String transitionId,
			Map<String, @Nullable Object> state) {
	}

	/**
	 * End a transition shown upstream with {@link #transition}.
	 * @param peer the peer name
	 * @param type the type name
	 * @param id the object id
	 * @param transitionId the transition id
	 */
	default void endTransition(String peer, String type, String id, String transitionId) {
	}

}
