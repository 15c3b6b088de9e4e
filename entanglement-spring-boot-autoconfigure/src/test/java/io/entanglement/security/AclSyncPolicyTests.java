package io.entanglement.security;

import java.security.Principal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.entanglement.ObjectKey;
import io.entanglement.Proposal;
import io.entanglement.SyncChange;
import io.entanglement.SyncStore;
import io.entanglement.SyncViewer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.cache.concurrent.ConcurrentMapCache;
import org.springframework.security.acls.domain.AclAuthorizationStrategy;
import org.springframework.security.acls.domain.AclImpl;
import org.springframework.security.acls.domain.BasePermission;
import org.springframework.security.acls.domain.ConsoleAuditLogger;
import org.springframework.security.acls.domain.DefaultPermissionGrantingStrategy;
import org.springframework.security.acls.domain.GrantedAuthoritySid;
import org.springframework.security.acls.domain.ObjectIdentityImpl;
import org.springframework.security.acls.domain.PrincipalSid;
import org.springframework.security.acls.domain.SidRetrievalStrategyImpl;
import org.springframework.security.acls.model.SidRetrievalStrategy;
import org.springframework.security.acls.model.Acl;
import org.springframework.security.acls.model.AclService;
import org.springframework.security.acls.model.NotFoundException;
import org.springframework.security.acls.model.ObjectIdentity;
import org.springframework.security.acls.model.Sid;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link AclSyncPolicy}.
 *
 * @author Entanglement
 */
class AclSyncPolicyTests {

	private static final AclAuthorizationStrategy UNCHECKED = (acl, changeType) -> {
	};

	private static final ObjectKey KEY = new ObjectKey("note", "7");

	private static final ObjectIdentity IDENTITY = new ObjectIdentityImpl("com.example.Note", "7");

	private final FakeAclService aclService = new FakeAclService();

	private final AclChangeTracker tracker = new AclChangeTracker();

	private AclSyncPolicy policy;

	@BeforeEach
	void createPolicy() {
		SyncStore store = mock(SyncStore.class);
		given(store.domainType()).willReturn("com.example.Note");
		given(store.identifier(anyString())).willAnswer((invocation) -> invocation.getArgument(0));
		AclObjectIdentities identities = new AclObjectIdentities((type) -> type.equals("note") ? store : null);
		this.policy = new AclSyncPolicy(this.aclService, identities, new SidRetrievalStrategyImpl(), this.tracker,
				new ConcurrentMapCache("decisions"), List.of("note"));
	}

	@Test
	void appliesToTheGovernedTypesOnly() {
		assertThat(this.policy.appliesTo("note")).isTrue();
		assertThat(this.policy.appliesTo("marker")).isFalse();
		assertThat(this.policy.audience("note")).isNotNull();
		assertThat(this.policy.audience("marker")).isNull();
	}

	@Test
	void withoutAListOnlyTheOwnerSeesProposesAndHandsOnTheObject() {
		SyncChange note = note("carol");
		assertThat(this.policy.maySee(viewer("carol"), note)).isTrue();
		assertThat(this.policy.mayPropose(viewer("carol"), note, update())).isTrue();
		assertThat(this.policy.mayChangeOwner(viewer("carol"), note, "bob")).isTrue();
		assertThat(this.policy.maySee(viewer("alice"), note)).isFalse();
		assertThat(this.policy.mayPropose(viewer("alice"), note, update())).isFalse();
		assertThat(this.policy.mayChangeOwner(viewer("alice"), note, "alice")).isFalse();
		assertThat(this.policy.maySee(new SyncViewer("s", null), note)).isFalse();
	}

	@Test
	void readLetsAViewerSeeWriteLetsItProposeAdministrationLetsItHandTheObjectOn() {
		Acl acl = acl(new PrincipalSid("alice"), BasePermission.READ, new PrincipalSid("bob"), BasePermission.WRITE,
				new PrincipalSid("bob"), BasePermission.READ, new PrincipalSid("erin"), BasePermission.ADMINISTRATION);
		this.aclService.acls.put(IDENTITY, acl);
		SyncChange note = note("node");
		assertThat(this.policy.maySee(viewer("alice"), note)).isTrue();
		assertThat(this.policy.mayPropose(viewer("alice"), note, update())).isFalse();
		assertThat(this.policy.mayPropose(viewer("bob"), note, update())).isTrue();
		assertThat(this.policy.mayChangeOwner(viewer("bob"), note, "bob")).isFalse();
		assertThat(this.policy.mayChangeOwner(viewer("erin"), note, "bob")).isTrue();
		assertThat(this.policy.maySee(viewer("dave"), note)).isFalse();
		// A delete carries no owner: the list decides.
		assertThat(this.policy.maySee(viewer("alice"), SyncChange.delete(KEY, 9))).isTrue();
		assertThat(this.policy.maySee(viewer("dave"), SyncChange.delete(KEY, 9))).isFalse();
	}

	@Test
	void creatingIsLeftToTheApplicationsPolicies() {
		assertThat(this.policy.mayPropose(viewer("dave"), null, new Proposal("r", "note", null, null, Map.of(), false)))
			.isTrue();
	}

	@Test
	void entriesForAnAuthorityApplyToEveryoneHoldingIt() {
		this.aclService.acls.put(IDENTITY, acl(new GrantedAuthoritySid("ROLE_STAFF"), BasePermission.READ));
		assertThat(this.policy.maySee(viewer("erin", "ROLE_USER", "ROLE_STAFF"), note("node"))).isTrue();
		assertThat(this.policy.maySee(viewer("alice", "ROLE_USER"), note("node"))).isFalse();
	}

	@Test
	void aDenyingEntryBeforeAGrantingOneDenies() {
		AclImpl acl = acl();
		acl.insertAce(0, BasePermission.READ, new PrincipalSid("alice"), false);
		acl.insertAce(1, BasePermission.READ, new GrantedAuthoritySid("ROLE_USER"), true);
		this.aclService.acls.put(IDENTITY, acl);
		assertThat(this.policy.maySee(viewer("alice", "ROLE_USER"), note("node"))).isFalse();
		assertThat(this.policy.maySee(viewer("bob", "ROLE_USER"), note("node"))).isTrue();
	}

	@Test
	void entriesOfAParentApplyWhenTheListInheritsThem() {
		AclImpl parent = new AclImpl(new ObjectIdentityImpl("com.example.Folder", "1"), 1L, UNCHECKED, granting(), null,
				null, true, new PrincipalSid("node"));
		parent.insertAce(0, BasePermission.READ, new PrincipalSid("dave"), true);
		AclImpl inheriting = new AclImpl(IDENTITY, 2L, UNCHECKED, granting(), parent, null, true,
				new PrincipalSid("node"));
		this.aclService.acls.put(IDENTITY, inheriting);
		assertThat(this.policy.maySee(viewer("dave"), note("node"))).isTrue();
		assertThat(this.policy.audience("note").audience(note("node"))).contains("user:dave");

		AclImpl notInheriting = new AclImpl(IDENTITY, 2L, UNCHECKED, granting(), parent, null, false,
				new PrincipalSid("node"));
		this.aclService.acls.put(IDENTITY, notInheriting);
		this.policy.invalidate(IDENTITY);
		assertThat(this.policy.maySee(viewer("dave"), note("node"))).isFalse();
		assertThat(this.policy.audience("note").audience(note("node"))).doesNotContain("user:dave");
	}

	@Test
	void aPrincipalThatIsNotAnAuthenticationHasItsNameOnly() {
		this.aclService.acls.put(IDENTITY, acl(new PrincipalSid("alice"), BasePermission.READ));
		Principal alice = () -> "alice";
		Principal bob = () -> "bob";
		assertThat(this.policy.maySee(new SyncViewer("s1", alice), note("node"))).isTrue();
		assertThat(this.policy.maySee(new SyncViewer("s2", bob), note("node"))).isFalse();
		assertThat(this.policy.audience("note").keys(new SyncViewer("s1", alice))).containsExactly("user:alice");
	}

	@Test
	void decisionsAreCachedUntilTheObjectIsInvalidated() {
		this.aclService.acls.put(IDENTITY, acl(new PrincipalSid("alice"), BasePermission.READ));
		assertThat(this.policy.maySee(viewer("alice"), note("node"))).isTrue();
		assertThat(this.policy.maySee(viewer("alice"), note("node"))).isTrue();
		assertThat(this.policy.maySee(viewer("bob"), note("node"))).isFalse();
		assertThat(this.aclService.reads).hasValue(1);

		this.aclService.acls.put(IDENTITY, acl(new PrincipalSid("bob"), BasePermission.READ));
		assertThat(this.policy.maySee(viewer("alice"), note("node"))).as("cached").isTrue();
		this.policy.invalidate(IDENTITY);
		assertThat(this.policy.maySee(viewer("alice"), note("node"))).isFalse();
		assertThat(this.policy.maySee(viewer("bob"), note("node"))).isTrue();
		assertThat(this.aclService.reads).hasValue(2);
	}

	@Test
	void aPrincipalsIdentitiesAreWorkedOutOnceWhileItIsInUseGarbageCollectionsNotwithstanding() {
		AtomicInteger retrievals = new AtomicInteger();
		SidRetrievalStrategy counting = (authentication) -> {
			retrievals.incrementAndGet();
			return new SidRetrievalStrategyImpl().getSids(authentication);
		};
		SyncStore store = mock(SyncStore.class);
		given(store.domainType()).willReturn("com.example.Note");
		given(store.identifier(anyString())).willAnswer((invocation) -> invocation.getArgument(0));
		AclSyncPolicy policy = new AclSyncPolicy(this.aclService,
				new AclObjectIdentities((type) -> type.equals("note") ? store : null), counting, this.tracker,
				new ConcurrentMapCache("decisions"), List.of("note"));
		this.aclService.acls.put(IDENTITY, acl(new PrincipalSid("alice"), BasePermission.READ));
		SyncViewer alice = viewer("alice");
		SyncViewer bob = viewer("bob");
		for (int i = 0; i < 3; i++) {
			assertThat(policy.maySee(alice, note("node"))).isTrue();
			assertThat(policy.maySee(bob, note("node"))).isFalse();
			System.gc();
		}
		assertThat(retrievals).as("identities worked out").hasValue(2);
		// A viewer made for one request (a proposal's) with a principal in use finds
		// them.
		assertThat(policy.maySee(new SyncViewer("request", alice.principal()), note("node"))).isTrue();
		assertThat(retrievals).hasValue(2);
		// Another sign-in of the same user is another principal.
		assertThat(policy.maySee(viewer("alice"), note("node"))).isTrue();
		assertThat(retrievals).hasValue(3);
	}

	@Test
	void objectsWithoutAListAreRememberedAsSuch() {
		assertThat(this.policy.maySee(viewer("alice"), note("node"))).isFalse();
		assertThat(this.policy.audience("note").audience(note("node"))).containsExactly("user:node");
		assertThat(this.aclService.reads).hasValue(1);
	}

	@Test
	void nothingIsCachedAboutAnObjectWhileItsListChanges() {
		this.aclService.acls.put(IDENTITY, acl(new PrincipalSid("alice"), BasePermission.READ));
		this.tracker.started(IDENTITY);
		this.policy.maySee(viewer("alice"), note("node"));
		this.policy.maySee(viewer("alice"), note("node"));
		assertThat(this.aclService.reads).hasValue(2);
		this.tracker.ended(IDENTITY);
		this.policy.maySee(viewer("alice"), note("node"));
		this.policy.maySee(viewer("alice"), note("node"));
		assertThat(this.aclService.reads).hasValue(3);
	}

	@Test
	void aListReadBeforeAChangeEndedIsNotCachedAfterIt() {
		this.aclService.acls.put(IDENTITY, acl(new PrincipalSid("alice"), BasePermission.READ));
		// Another transaction changes the list while this one reads it.
		this.aclService.onRead = () -> {
			this.tracker.started(IDENTITY);
			this.tracker.ended(IDENTITY);
		};
		assertThat(this.policy.maySee(viewer("alice"), note("node"))).isTrue();
		this.aclService.onRead = () -> {
		};
		this.aclService.acls.put(IDENTITY, acl(new PrincipalSid("bob"), BasePermission.READ));
		assertThat(this.policy.maySee(viewer("alice"), note("node"))).isFalse();
	}

	@Test
	void accessBeforeDecidesWithTheListAsItWasAndCachesNothing() {
		Acl before = acl(new PrincipalSid("alice"), BasePermission.READ);
		this.aclService.acls.put(IDENTITY, acl(new PrincipalSid("bob"), BasePermission.READ));
		SyncChange note = note("node");
		assertThat(this.policy.accessBefore(IDENTITY, before).before(() -> this.policy.maySee(viewer("alice"), note)))
			.isTrue();
		assertThat(this.policy.accessBefore(IDENTITY, before).before(() -> this.policy.maySee(viewer("bob"), note)))
			.isFalse();
		assertThat(this.policy.accessBefore(IDENTITY, null).before(() -> this.policy.maySee(viewer("alice"), note)))
			.isFalse();
		List<Object> audience = new ArrayList<>();
		this.policy.accessBefore(IDENTITY, before)
			.before(() -> audience.addAll(this.policy.audience("note").audience(note)));
		assertThat(audience).containsExactlyInAnyOrder("user:alice", "user:node");

		assertThat(this.policy.maySee(viewer("alice"), note)).isFalse();
		assertThat(this.policy.maySee(viewer("bob"), note)).isTrue();
	}

	@Test
	void viewersHoldAKeyPerIdentity() {
		assertThat(this.policy.audience("note").keys(viewer("erin", "ROLE_USER", "ROLE_STAFF")))
			.containsExactlyInAnyOrder("user:erin", "authority:ROLE_USER", "authority:ROLE_STAFF");
		assertThat(this.policy.audience("note").keys(new SyncViewer("s", null))).isEmpty();
	}

	@Test
	void anObjectsAudienceIsWhoIsGrantedReadAndItsOwner() {
		AclImpl acl = acl();
		acl.insertAce(0, BasePermission.READ, new PrincipalSid("alice"), true);
		acl.insertAce(1, BasePermission.READ, new GrantedAuthoritySid("ROLE_STAFF"), true);
		acl.insertAce(2, BasePermission.WRITE, new PrincipalSid("bob"), true);
		acl.insertAce(3, BasePermission.READ, new PrincipalSid("carol"), false);
		this.aclService.acls.put(IDENTITY, acl);
		assertThat(this.policy.audience("note").audience(note("dave"))).containsExactlyInAnyOrder("user:alice",
				"authority:ROLE_STAFF", "user:dave");
		assertThat(this.policy.audience("note").audience(SyncChange.delete(KEY, 9)))
			.containsExactlyInAnyOrder("user:alice", "authority:ROLE_STAFF");
	}

	@Test
	void objectsOfTypesThatAreNotSynchronizedAreDenied() {
		SyncChange other = SyncChange.upsert(new ObjectKey("other", "1"), "node", 1, Map.of());
		assertThat(this.policy.maySee(viewer("alice"), other)).isFalse();
		assertThat(this.policy.audience("note").audience(other)).containsExactly("user:node");
	}

	private static SyncChange note(String owner) {
		return SyncChange.upsert(KEY, owner, 3, Map.of("title", "t"));
	}

	private static Proposal update() {
		return new Proposal("r1", "note", "7", null, Map.of("title", "x"), false);
	}

	private static SyncViewer viewer(String name, String... authorities) {
		return new SyncViewer("session-of-" + name, UsernamePasswordAuthenticationToken.authenticated(name, null,
				AuthorityUtils.createAuthorityList(authorities)));
	}

	private static AclImpl acl(Object... sidsAndPermissions) {
		AclImpl acl = new AclImpl(IDENTITY, 1L, UNCHECKED, granting(), null, null, true, new PrincipalSid("node"));
		for (int i = 0; i < sidsAndPermissions.length; i += 2) {
			acl.insertAce(i / 2, (BasePermission) sidsAndPermissions[i + 1], (Sid) sidsAndPermissions[i], true);
		}
		return acl;
	}

	private static DefaultPermissionGrantingStrategy granting() {
		return new DefaultPermissionGrantingStrategy(new ConsoleAuditLogger());
	}

	/**
	 * Access control lists from a map, counting reads.
	 */
	static final class FakeAclService implements AclService {

		final Map<ObjectIdentity, Acl> acls = new HashMap<>();

		final AtomicInteger reads = new AtomicInteger();

		Runnable onRead = () -> {
		};

		@Override
		public List<ObjectIdentity> findChildren(ObjectIdentity parentIdentity) {
			return null;
		}

		@Override
		public Acl readAclById(ObjectIdentity object) {
			this.reads.incrementAndGet();
			this.onRead.run();
			Acl acl = this.acls.get(object);
			if (acl == null) {
				throw new NotFoundException("No list for " + object);
			}
			return acl;
		}

		@Override
		public Acl readAclById(ObjectIdentity object, List<Sid> sids) {
			return readAclById(object);
		}

		@Override
		public Map<ObjectIdentity, Acl> readAclsById(List<ObjectIdentity> objects) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Map<ObjectIdentity, Acl> readAclsById(List<ObjectIdentity> objects, List<Sid> sids) {
			throw new UnsupportedOperationException();
		}

	}

}
