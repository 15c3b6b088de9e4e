package io.entanglement.security;

import org.junit.jupiter.api.Test;

import org.springframework.cache.concurrent.ConcurrentMapCache;
import org.springframework.security.acls.domain.AclAuthorizationStrategy;
import org.springframework.security.acls.domain.AclImpl;
import org.springframework.security.acls.domain.ConsoleAuditLogger;
import org.springframework.security.acls.domain.DefaultPermissionGrantingStrategy;
import org.springframework.security.acls.domain.ObjectIdentityImpl;
import org.springframework.security.acls.domain.PrincipalSid;
import org.springframework.security.acls.domain.SpringCacheBasedAclCache;
import org.springframework.security.acls.model.ObjectIdentity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TrackedAclCache}.
 *
 * @author Entanglement
 */
class TrackedAclCacheTests {

	private static final AclAuthorizationStrategy UNCHECKED = (acl, changeType) -> {
	};

	private static final ObjectIdentity IDENTITY = new ObjectIdentityImpl("com.example.Note", "7");

	private final AclChangeTracker tracker = new AclChangeTracker();

	private final DefaultPermissionGrantingStrategy granting = new DefaultPermissionGrantingStrategy(
			new ConsoleAuditLogger());

	private final TrackedAclCache cache = new TrackedAclCache(
			new SpringCacheBasedAclCache(new ConcurrentMapCache("acls"), this.granting, UNCHECKED), this.tracker);

	private final AclImpl acl = new AclImpl(IDENTITY, 12L, UNCHECKED, this.granting, null, null, true,
			new PrincipalSid("node"));

	@Test
	void keepsAndServesAListWhileNothingChanges() {
		assertThat(this.cache.getFromCache(IDENTITY)).isNull();
		this.cache.putInCache(this.acl);
		assertThat(this.cache.getFromCache(IDENTITY)).isSameAs(this.acl);
		assertThat(this.cache.getFromCache(12L)).isSameAs(this.acl);
	}

	@Test
	void neitherServesNorKeepsAListWhileItChanges() {
		this.cache.getFromCache(IDENTITY);
		this.cache.putInCache(this.acl);
		this.tracker.started(IDENTITY);
		assertThat(this.cache.getFromCache(IDENTITY)).isNull();
		assertThat(this.cache.getFromCache(12L)).isNull();
		this.cache.evictFromCache(IDENTITY);
		this.cache.putInCache(this.acl);
		this.tracker.ended(IDENTITY);
		assertThat(this.cache.getFromCache(IDENTITY)).isNull();
	}

	@Test
	void doesNotKeepAListLookedUpBeforeAChangeThatEndedSince() {
		ObjectIdentity other = new ObjectIdentityImpl("com.example.Note", "8");
		assertThat(this.cache.getFromCache(IDENTITY)).isNull();
		this.tracker.started(other);
		this.tracker.ended(other);
		this.cache.putInCache(this.acl);
		assertThat(this.cache.getFromCache(IDENTITY)).isNull();
		this.cache.putInCache(this.acl);
		assertThat(this.cache.getFromCache(IDENTITY)).isSameAs(this.acl);
	}

	@Test
	void doesNotKeepAListWhileAnyChangeIsInFlight() {
		this.tracker.started(new ObjectIdentityImpl("com.example.Folder", "1"));
		assertThat(this.cache.getFromCache(IDENTITY)).isNull();
		this.cache.putInCache(this.acl);
		assertThat(this.cache.getFromCache(IDENTITY)).isNull();
	}

	@Test
	void doesNotKeepAListPutWithoutALookupOnTheSameThread() throws InterruptedException {
		Thread thread = new Thread(() -> this.cache.putInCache(this.acl));
		thread.start();
		thread.join();
		assertThat(this.cache.getFromCache(IDENTITY)).isNull();
	}

}
