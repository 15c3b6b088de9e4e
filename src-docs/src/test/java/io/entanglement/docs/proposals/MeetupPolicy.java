package io.entanglement.docs.proposals;

import java.util.Objects;

import io.entanglement.Proposal;
import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;
import org.jspecify.annotations.Nullable;

/**
 * The proposals page's policy: signed-in people see everything, create their own objects,
 * leave the node's objects alone and delete only what they own.
 *
 * @author Entanglement
 */
// tag::policy[]
public class MeetupPolicy implements SyncPolicy {

	private final String nodeId;

	public MeetupPolicy(String nodeId) {
		this.nodeId = nodeId;
	}

	@Override
	public boolean maySee(SyncViewer viewer, SyncChange change) {
		return viewer.isAuthenticated();
	}

	@Override
	public boolean mayPropose(SyncViewer viewer, @Nullable SyncChange current, Proposal proposal) {
		if (!viewer.isAuthenticated()) {
			return false;
		}
		if (current == null) {
			// A create: the proposer will own the new object.
			return true;
		}
		if (this.nodeId.equals(current.owner())) {
			// The node's objects are read-only to clients.
			return false;
		}
		// Only owners delete; other changes go on to the owner, who decides.
		return !proposal.delete() || Objects.equals(viewer.name(), current.owner());
	}

}
// end::policy[]
