package io.entanglement.engine;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.entanglement.AudienceIndex;
import io.entanglement.ForbiddenException;
import io.entanglement.InvalidRequestException;
import io.entanglement.MandatoryAccessControl;
import io.entanglement.Proposal;
import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;
import org.jspecify.annotations.Nullable;

/**
 * Puts mandatory access control in front of the application's policy: an object whose
 * label the viewer's clearance does not dominate is never seen and never proposed to,
 * whatever the policy behind says, and a proposal may only set labels its proposer
 * dominates.
 *
 * @author Entanglement
 */
public final class MandatoryAccessPolicy implements SyncPolicy {

	private final SyncPolicy delegate;

	private final MandatoryAccessControl mac;

	private final Function<String, @Nullable String> labelAttributes;

	/**
	 * Create a policy.
	 * @param delegate the application's policy, asked only where MAC allows
	 * @param mac the mandatory access decision
	 * @param labelAttributes the label attribute of each type, {@code null} if unlabelled
	 */
	public MandatoryAccessPolicy(SyncPolicy delegate, MandatoryAccessControl mac,
			Function<String, @Nullable String> labelAttributes) {
		this.delegate = delegate;
		this.mac = mac;
		this.labelAttributes = labelAttributes;
	}

	@Override
	public boolean maySee(SyncViewer viewer, SyncChange change) {
		if (change.op() == SyncChange.Op.DELETE && change.state().isEmpty()
				&& this.labelAttributes.apply(change.key().type()) != null) {
			// A deletion known only by its id (catch-up from a tombstone) carries no
			// label to check: nobody is told, and a subscriber catching up is reset.
			return false;
		}
		return this.mac.dominates(viewer, label(change)) && this.delegate.maySee(viewer, change);
	}

	/**
	 * The label and what the policy behind reads.
	 */
	@Override
	public @Nullable String accessState(SyncChange change) {
		String delegated = this.delegate.accessState(change);
		if (delegated == null) {
			return null;
		}
		String label = label(change);
		return CompositeSyncPolicy.join(List.of((label != null) ? "=" + label : "", delegated));
	}

	@Override
	public boolean mayPropose(SyncViewer viewer, @Nullable SyncChange current, Proposal proposal) {
		String attribute = this.labelAttributes.apply(proposal.type());
		if (attribute != null && proposal.state().containsKey(attribute)) {
			Object label = proposal.state().get(attribute);
			if (label != null && !(label instanceof String)) {
				throw new InvalidRequestException("'" + attribute + "' must be a label string");
			}
			if (label != null) {
				this.mac.validate((String) label);
			}
			if (!this.mac.dominates(viewer, (String) label)) {
				throw new ForbiddenException("You may not set a label you do not dominate");
			}
		}
		return (current == null || this.mac.dominates(viewer, label(current)))
				&& this.delegate.mayPropose(viewer, current, proposal);
	}

	@Override
	public boolean appliesTo(String type) {
		return true;
	}

	@Override
	public boolean maySubscribe(SyncViewer viewer, String type, Map<String, String> filter) {
		String attribute = this.labelAttributes.apply(type);
		if (attribute != null && filter.containsKey(attribute)) {
			// Filtering on labels would tell a viewer which labels exist.
			throw new InvalidRequestException("'" + attribute + "' is a security label and cannot be filtered on");
		}
		return this.delegate.maySubscribe(viewer, type, filter);
	}

	@Override
	public boolean mayAccept(SyncViewer owner, SyncChange current, SyncChange accepted) {
		return this.mac.dominates(owner, label(accepted)) && this.delegate.mayAccept(owner, current, accepted);
	}

	@Override
	public @Nullable AudienceIndex audience(String type) {
		return this.delegate.audience(type);
	}

	@Override
	public boolean mayChangeOwner(SyncViewer viewer, SyncChange current, String newOwner) {
		return this.mac.dominates(viewer, label(current)) && this.delegate.mayChangeOwner(viewer, current, newOwner);
	}

	private @Nullable String label(SyncChange change) {
		String attribute = this.labelAttributes.apply(change.key().type());
		if (attribute == null) {
			return null;
		}
		Object label = change.state().get(attribute);
		return (label != null) ? label.toString() : null;
	}

}
