package io.entanglement.security;

import java.io.Serializable;

import org.jspecify.annotations.Nullable;

import org.springframework.security.acls.model.AclCache;
import org.springframework.security.acls.model.MutableAcl;
import org.springframework.security.acls.model.ObjectIdentity;

/**
 * An {@link AclCache} that never serves or keeps an ACL that is being changed, nor one
 * read before a change that ended since.
 * <p>
 * Spring Security's {@code JdbcMutableAclService} evicts an ACL it updates and reads it
 * back inside the updating transaction, so without this guard the cache would hold the
 * uncommitted ACL (and keep it on rollback), and a concurrent reader could cache the old
 * one after the commit.
 *
 * @author Entanglement
 * @see AclChangeTracker
 */
public final class TrackedAclCache implements AclCache {

	private final AclCache delegate;

	private final AclChangeTracker tracker;

	/** The generation each thread saw when its last lookup started. */
	private final ThreadLocal<long[]> seen = ThreadLocal.withInitial(() -> new long[] { -1 });

	/**
	 * Create a cache.
	 * @param delegate the cache that holds the ACLs
	 * @param tracker the ACL changes in flight
	 */
	public TrackedAclCache(AclCache delegate, AclChangeTracker tracker) {
		this.delegate = delegate;
		this.tracker = tracker;
	}

	@Override
	public void evictFromCache(Serializable pk) {
		this.delegate.evictFromCache(pk);
	}

	@Override
	public void evictFromCache(ObjectIdentity objectIdentity) {
		this.delegate.evictFromCache(objectIdentity);
	}

	/**
	 * Look an ACL up, noting the generation: the lookup strategy asks here first and, on
	 * a miss, reads the database and then {@link #putInCache(MutableAcl) puts} what it
	 * read.
	 */
	@Override
	public @Nullable MutableAcl getFromCache(ObjectIdentity objectIdentity) {
		this.seen.get()[0] = this.tracker.generation();
		if (this.tracker.isChanging(objectIdentity)) {
			return null;
		}
		return this.delegate.getFromCache(objectIdentity);
	}

	@Override
	public @Nullable MutableAcl getFromCache(Serializable pk) {
		MutableAcl acl = this.delegate.getFromCache(pk);
		return (acl != null && this.tracker.isChanging(acl.getObjectIdentity())) ? null : acl;
	}

	@Override
	public void putInCache(MutableAcl acl) {
		this.tracker.cacheIfSettled(this.seen.get()[0], () -> this.delegate.putInCache(acl));
	}

	@Override
	public void clearCache() {
		this.delegate.clearCache();
	}

}
