package io.entanglement;

import java.security.Principal;

import org.jspecify.annotations.Nullable;

/**
 * A connection that may receive synchronized objects: its session id and the principal it
 * authenticated as, if any.
 *
 * @param sessionId the session id
 * @param principal the authenticated principal, {@code null} for anonymous sessions
 * @author Entanglement
 */
public record SyncViewer(String sessionId, @Nullable Principal principal) {

	/**
	 * Whether this viewer authenticated.
	 * @return {@code true} if a principal is present
	 */
	public boolean isAuthenticated() {
		return this.principal != null;
	}

	/**
	 * The principal's name.
	 * @return the name, or {@code null} for anonymous viewers
	 */
	public @Nullable String name() {
		return (this.principal != null) ? this.principal.getName() : null;
	}

}
