package io.entanglement.engine;

import java.security.Principal;
import java.util.Map;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Caffeine;

import io.entanglement.SyncViewer;

import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.ConcurrentReferenceHashMap;

/**
 * What a policy worked out about a principal, for as long as the principal is in use: one
 * value per principal object (a session keeps its principal for its lifetime), found by
 * identity and forgotten once nothing else holds the principal. Caffeine's weak keys
 * where Caffeine is present (the starter brings it); without it, a map of weak entries
 * that every garbage collection empties, so values are worked out again after each one. A
 * viewer's value is also kept on the viewer ({@link SyncViewer#remember}), a field away
 * for every change its session may see; the map serves viewers made for one request (a
 * proposal's).
 *
 * @param <V> the value type
 * @author Entanglement
 */
public final class PerPrincipal<V> {

	private static final boolean CAFFEINE_PRESENT = ClassUtils.isPresent("com.github.benmanes.caffeine.cache.Caffeine",
			PerPrincipal.class.getClassLoader());

	private final Map<Principal, V> values = CAFFEINE_PRESENT ? WeakKeys.create()
			: new ConcurrentReferenceHashMap<>(64, ConcurrentReferenceHashMap.ReferenceType.WEAK);

	/**
	 * The value of a viewer's principal, worked out on first use and kept on the viewer
	 * too.
	 * @param viewer an authenticated viewer
	 * @param compute works the value out from the principal
	 * @return the value
	 */
	public V get(SyncViewer viewer, Function<Principal, V> compute) {
		Principal principal = viewer.principal();
		Assert.notNull(principal, "An anonymous viewer has no principal to work a value out for");
		return viewer.remember(this, (v) -> get(principal, compute));
	}

	/**
	 * The value of a principal, worked out on first use.
	 * @param principal the principal
	 * @param compute works the value out
	 * @return the value
	 */
	public V get(Principal principal, Function<Principal, V> compute) {
		// A plain read first: computing allocates even when the value is there.
		V value = this.values.get(principal);
		return (value != null) ? value : this.values.computeIfAbsent(principal, compute);
	}

	/**
	 * A class of its own so that Caffeine is only loaded where present.
	 */
	private static final class WeakKeys {

		static <V> Map<Principal, V> create() {
			// Forgetting collected principals runs on the calling thread, a little at a
			// time, instead of waking a pool thread from the fan-out path.
			return Caffeine.newBuilder().weakKeys().executor(Runnable::run).<Principal, V>build().asMap();
		}

	}

}
