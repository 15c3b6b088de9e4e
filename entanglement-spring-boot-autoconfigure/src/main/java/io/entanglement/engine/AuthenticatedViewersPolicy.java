package io.entanglement.engine;

import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;

/**
 * The policy used when the application defines none: authenticated viewers see every
 * object, anonymous viewers see nothing.
 *
 * @author Entanglement
 */
public final class AuthenticatedViewersPolicy implements SyncPolicy {

	@Override
	public boolean maySee(SyncViewer viewer, SyncChange change) {
		return viewer.isAuthenticated();
	}

	/**
	 * Nothing of the object decides who sees it.
	 */
	@Override
	public String accessState(SyncChange change) {
		return "";
	}

}
