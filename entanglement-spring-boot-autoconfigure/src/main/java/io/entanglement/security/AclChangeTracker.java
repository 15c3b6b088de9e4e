package io.entanglement.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.acls.model.ObjectIdentity;

/**
 * Keeps what is cached about access control lists consistent with what is committed.
 * <p>
 * Between the start of a transaction that changes an ACL and its end, the ACL is
 * <em>changing</em>: readers go to the database (which shows them the committed ACL) and
 * nothing is cached. A reader notes the {@linkplain #generation() generation} before it
 * reads and may cache what it read only if no change started or ended since and none is
 * in flight, so an ACL read before a commit is never cached after it.
 *
 * @author Entanglement
 */
public final class AclChangeTracker {

	private final Object lock = new Object();

	private final Map<ObjectIdentity, Integer> changing = new ConcurrentHashMap<>();

	private volatile long generation;

	/** Guarded by {@link #lock}. */
	private int inFlight;

	/**
	 * The current generation; it moves whenever a change starts or ends.
	 * @return the generation
	 */
	public long generation() {
		return this.generation;
	}

	/**
	 * Whether a transaction is changing an object's ACL right now.
	 * @param objectIdentity the object
	 * @return {@code true} between the start and the end of the change
	 */
	public boolean isChanging(ObjectIdentity objectIdentity) {
		return this.changing.containsKey(objectIdentity);
	}

	/**
	 * A transaction starts changing an object's ACL. Call it before reading the ACL to
	 * change.
	 * @param objectIdentity the object
	 */
	public void started(ObjectIdentity objectIdentity) {
		synchronized (this.lock) {
			this.generation++;
			this.inFlight++;
			this.changing.merge(objectIdentity, 1, Integer::sum);
		}
	}

	/**
	 * A transaction that changed an object's ACL has ended (committed or rolled back).
	 * Call it after evicting the object from every cache.
	 * @param objectIdentity the object
	 */
	public void ended(ObjectIdentity objectIdentity) {
		synchronized (this.lock) {
			this.generation++;
			this.inFlight--;
			this.changing.computeIfPresent(objectIdentity, (key, count) -> (count == 1) ? null : count - 1);
		}
	}

	/**
	 * Cache something read at a given generation, if it is still current.
	 * @param seen the generation noted before reading
	 * @param put caches what was read
	 * @return whether it was cached
	 */
	public boolean cacheIfSettled(long seen, Runnable put) {
		synchronized (this.lock) {
			if (this.inFlight != 0 || this.generation != seen) {
				return false;
			}
			put.run();
			return true;
		}
	}

}
