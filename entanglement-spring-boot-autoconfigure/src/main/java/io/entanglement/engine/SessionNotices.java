package io.entanglement.engine;

import io.entanglement.ObjectKey;
import io.entanglement.SyncViewer;

/**
 * Tells one session about something that happened to a request of its own, outside the
 * reply to a proposal: a transition it drove ended without being committed.
 *
 * @author Entanglement
 */
@FunctionalInterface
public interface SessionNotices {

	/**
	 * The session's transition ended before its proposal committed it.
	 * @param initiator the session that drove the transition
	 * @param key the object
	 * @param transition the transition id
	 * @param reason {@code broken} (someone else started one, a conflicting commit
	 * landed, the object was deleted) or {@code expired}
	 */
	void transitionBroken(SyncViewer initiator, ObjectKey key, String transition, String reason);

}
