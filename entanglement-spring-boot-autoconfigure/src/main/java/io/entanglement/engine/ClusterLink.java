package io.entanglement.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.entanglement.ObjectKey;
import io.entanglement.OwnerDecision;
import io.entanglement.ProposalReply;
import io.entanglement.SyncChange;
import io.entanglement.SyncViewer;
import org.jspecify.annotations.Nullable;

/**
 * Connects the instances of one application that share a database and a message broker:
 * each tells the others what it committed, so they fan it out to their own sessions, and
 * takes owners' answers to the instance that holds the proposal. A transport only: the
 * change log in the shared database stays the record of what was committed.
 *
 * @author Entanglement
 */
public interface ClusterLink {

	/**
	 * Tell the other instances about a commit this instance fanned out. Called on the
	 * dispatcher thread; must not block.
	 * @param seq the commit's sequence number
	 * @param changes the committed changes, one per object
	 * @param previous the state of each object before the commit (same order,
	 * {@code null} where unknown), or {@code null} if the capture does not know
	 */
	void committed(long seq, List<SyncChange> changes, @Nullable List<@Nullable SyncChange> previous);

	/**
	 * Tell the other instances that who may see some objects changed. Called on the
	 * dispatcher thread; must not block.
	 * @param seq the sequence number of the access change
	 * @param keys the objects
	 * @param formerAudiences per object (same order), the audience keys of who could see
	 * it before the change, or {@code null} where any viewer could
	 */
	void accessChanged(long seq, List<ObjectKey> keys, List<@Nullable Set<String>> formerAudiences);

	/**
	 * Tell the other instances about a transition a session of this instance drives, so
	 * their viewers see it too. Called on the dispatcher thread; must not block.
	 * @param key the object
	 * @param transition the transition id
	 * @param by the initiator's principal name
	 * @param state the attributes shown over the object
	 */
	void transition(ObjectKey key, String transition, @Nullable String by, Map<String, @Nullable Object> state);

	/**
	 * Tell the other instances that a transition driven here ended. Called on the
	 * dispatcher thread; must not block.
	 * @param key the object
	 * @param transition the transition id
	 * @param reason {@code committed}, {@code broken}, {@code rejected} or
	 * {@code expired}
	 */
	void transitionEnded(ObjectKey key, String transition, String reason);

	/**
	 * Take an owner's answer to the instance that forwarded the proposal.
	 * @param instanceId the instance that holds the proposal
	 * @param owner the answering session
	 * @param requestId the id of the forwarded request
	 * @param decision the answer
	 * @return the reply for the answering session
	 */
	CompletableFuture<ProposalReply> answer(String instanceId, SyncViewer owner, String requestId,
			OwnerDecision decision);

}
