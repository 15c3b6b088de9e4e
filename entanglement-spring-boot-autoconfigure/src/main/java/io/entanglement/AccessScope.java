package io.entanglement;

import java.util.function.BooleanSupplier;

/**
 * Access to an object as it was before a change of access (an ACL grant or revoke). The
 * engine compares each viewer's decision before and after the change: viewers that lose
 * access are told to {@code forget} the object, viewers that gain it receive it. It also
 * keeps the scope, so that catch-up can tell later whether a returning client could see
 * the object before the change: a scope must decide on a copy of the access as it was (an
 * access control list or a membership read before the change), never read access as it is
 * when asked.
 *
 * @author Entanglement
 */
@FunctionalInterface
public interface AccessScope {

	/**
	 * Run a policy decision as the policy would have decided before the change.
	 * @param decision the decision
	 * @return its result under the access in force before the change
	 */
	boolean before(BooleanSupplier decision);

}
