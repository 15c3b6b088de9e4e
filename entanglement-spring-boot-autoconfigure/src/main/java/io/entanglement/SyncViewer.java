package io.entanglement;

import java.security.Principal;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * A connection that may receive synchronized objects: its session id and the principal it
 * authenticated as, if any. Two viewers are equal when both are.
 * <p>
 * A session keeps one viewer for its lifetime, so a policy can {@linkplain #remember
 * remember} on it what it worked out about the viewer (its security identities, its
 * clearance) instead of finding it again for every change the session may see.
 *
 * @author Entanglement
 */
public final class SyncViewer {

	private static final Object[] NOTHING = {};

	private final String sessionId;

	private final @Nullable Principal principal;

	/** Keys and values, alternating; replaced, never changed in place. */
	private volatile Object[] remembered = NOTHING;

	/**
	 * Create a viewer.
	 * @param sessionId the session id
	 * @param principal the authenticated principal, {@code null} for anonymous sessions
	 */
	public SyncViewer(String sessionId, @Nullable Principal principal) {
		this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
		this.principal = principal;
	}

	/**
	 * The session id.
	 * @return the id
	 */
	public String sessionId() {
		return this.sessionId;
	}

	/**
	 * The authenticated principal.
	 * @return the principal, {@code null} for anonymous sessions
	 */
	public @Nullable Principal principal() {
		return this.principal;
	}

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

	/**
	 * The value this viewer has under {@code key}, worked out on first use and kept for
	 * as long as the viewer. Meant for what follows from the viewer's principal alone,
	 * which does not change during a session; a policy uses an object of its own as the
	 * key. Two threads asking at once may both work the value out; one of the values is
	 * kept.
	 * @param <V> the value type
	 * @param key the key, compared by identity
	 * @param compute works the value out
	 * @return the value
	 */
	@SuppressWarnings("unchecked")
	public <V> V remember(Object key, Function<? super SyncViewer, ? extends V> compute) {
		Object known = lookUp(this.remembered, key);
		if (known != null) {
			return (V) known;
		}
		V value = Objects.requireNonNull(compute.apply(this), "remembered value");
		synchronized (this) {
			Object[] pairs = this.remembered;
			known = lookUp(pairs, key);
			if (known != null) {
				return (V) known;
			}
			Object[] more = Arrays.copyOf(pairs, pairs.length + 2);
			more[pairs.length] = key;
			more[pairs.length + 1] = value;
			this.remembered = more;
		}
		return value;
	}

	private static @Nullable Object lookUp(Object[] pairs, Object key) {
		for (int i = 0; i < pairs.length; i += 2) {
			if (pairs[i] == key) {
				return pairs[i + 1];
			}
		}
		return null;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return (this == other) || (other instanceof SyncViewer viewer && this.sessionId.equals(viewer.sessionId)
				&& Objects.equals(this.principal, viewer.principal));
	}

	@Override
	public int hashCode() {
		return 31 * this.sessionId.hashCode() + Objects.hashCode(this.principal);
	}

	@Override
	public String toString() {
		return "SyncViewer[sessionId=" + this.sessionId + ", principal=" + this.principal + "]";
	}

}
