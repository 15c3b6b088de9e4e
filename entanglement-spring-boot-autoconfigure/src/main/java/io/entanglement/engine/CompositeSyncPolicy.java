package io.entanglement.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.entanglement.AudienceIndex;
import io.entanglement.Proposal;
import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;
import org.jspecify.annotations.Nullable;

/**
 * All policies at once: a viewer is allowed only where every policy that applies to the
 * type allows it, in order (access control lists before application policies). Anonymous
 * viewers are refused before any policy is asked; a type no policy applies to is visible
 * to every authenticated viewer.
 *
 * @author Entanglement
 */
public final class CompositeSyncPolicy implements SyncPolicy {

	private final List<SyncPolicy> policies;

	/**
	 * Create a composite.
	 * @param policies the policies, in the order they are asked
	 */
	public CompositeSyncPolicy(List<SyncPolicy> policies) {
		this.policies = List.copyOf(policies);
	}

	@Override
	public boolean maySee(SyncViewer viewer, SyncChange change) {
		if (!viewer.isAuthenticated()) {
			return false;
		}
		String type = change.key().type();
		for (SyncPolicy policy : this.policies) {
			if (policy.appliesTo(type) && !policy.maySee(viewer, change)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The access states of every policy that applies to the type, together.
	 */
	@Override
	public @Nullable String accessState(SyncChange change) {
		String type = change.key().type();
		List<String> parts = new ArrayList<>(this.policies.size());
		for (SyncPolicy policy : this.policies) {
			if (policy.appliesTo(type)) {
				String part = policy.accessState(change);
				if (part == null) {
					return null;
				}
				parts.add(part);
			}
		}
		return join(parts);
	}

	/**
	 * Several access states as one that tells them apart: each is prefixed with its
	 * length, so no choice of values makes two different lists read the same.
	 */
	static String join(List<String> parts) {
		StringBuilder joined = new StringBuilder();
		for (String part : parts) {
			joined.append(part.length()).append(':').append(part);
		}
		return joined.toString();
	}

	@Override
	public boolean maySubscribe(SyncViewer viewer, String type, Map<String, String> filter) {
		if (!viewer.isAuthenticated()) {
			return false;
		}
		for (SyncPolicy policy : this.policies) {
			if (policy.appliesTo(type) && !policy.maySubscribe(viewer, type, filter)) {
				return false;
			}
		}
		return true;
	}

	@Override
	public boolean mayPropose(SyncViewer viewer, @Nullable SyncChange current, Proposal proposal) {
		if (!viewer.isAuthenticated()) {
			return false;
		}
		for (SyncPolicy policy : this.policies) {
			if (policy.appliesTo(proposal.type()) && !policy.mayPropose(viewer, current, proposal)) {
				return false;
			}
		}
		return true;
	}

	@Override
	public boolean mayAccept(SyncViewer owner, SyncChange current, SyncChange accepted) {
		if (!owner.isAuthenticated()) {
			return false;
		}
		String type = current.key().type();
		for (SyncPolicy policy : this.policies) {
			if (policy.appliesTo(type) && !policy.mayAccept(owner, current, accepted)) {
				return false;
			}
		}
		return true;
	}

	@Override
	public boolean mayChangeOwner(SyncViewer viewer, SyncChange current, String newOwner) {
		if (!viewer.isAuthenticated()) {
			return false;
		}
		String type = current.key().type();
		boolean asked = false;
		for (SyncPolicy policy : this.policies) {
			if (policy.appliesTo(type)) {
				asked = true;
				if (!policy.mayChangeOwner(viewer, current, newOwner)) {
					return false;
				}
			}
		}
		// Without a policy for the type, only the current owner hands it on.
		return asked || SyncPolicy.super.mayChangeOwner(viewer, current, newOwner);
	}

	@Override
	public @Nullable AudienceIndex audience(String type) {
		for (SyncPolicy policy : this.policies) {
			if (policy.appliesTo(type)) {
				AudienceIndex index = policy.audience(type);
				if (index != null) {
					return index;
				}
			}
		}
		return null;
	}

}
