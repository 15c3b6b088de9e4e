package io.entanglement.docs.policy;

import java.security.Principal;
import java.util.Map;
import java.util.Objects;

import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;

/**
 * The policy of the reference guide: people see the objects owned by members of their own
 * group.
 *
 * @author Entanglement
 */
// tag::policy[]
public class SameGroupPolicy implements SyncPolicy {

	private final Map<String, String> groupOfUser;

	public SameGroupPolicy(Map<String, String> groupOfUser) {
		this.groupOfUser = Map.copyOf(groupOfUser);
	}

	@Override
	public boolean maySee(SyncViewer viewer, SyncChange change) {
		Principal principal = viewer.principal();
		if (principal == null) {
			return false;
		}
		if (change.op() == SyncChange.Op.DELETE) {
			// A delete carries only the object's key and version, no owner.
			return true;
		}
		String group = this.groupOfUser.get(principal.getName());
		return group != null && group.equals(this.groupOfUser.get(change.owner()));
	}

	// The owner's group is all that maySee reads of an object.
	@Override
	public String accessState(SyncChange change) {
		return Objects.toString(this.groupOfUser.get(change.owner()), "");
	}

}
// end::policy[]
