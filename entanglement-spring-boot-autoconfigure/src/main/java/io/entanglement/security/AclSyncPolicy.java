package io.entanglement.security;

import java.security.Principal;
import java.util.Collection;
import java.util.HashMap;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.entanglement.AccessScope;
import io.entanglement.AudienceIndex;
import io.entanglement.ObjectKey;
import io.entanglement.Proposal;
import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;
import io.entanglement.engine.PerPrincipal;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.core.Ordered;
import org.springframework.security.acls.domain.BasePermission;
import org.springframework.security.acls.domain.GrantedAuthoritySid;
import org.springframework.security.acls.domain.PrincipalSid;
import org.springframework.security.acls.model.AccessControlEntry;
import org.springframework.security.acls.model.Acl;
import org.springframework.security.acls.model.AclService;
import org.springframework.security.acls.model.NotFoundException;
import org.springframework.security.acls.model.ObjectIdentity;
import org.springframework.security.acls.model.Permission;
import org.springframework.security.acls.model.Sid;
import org.springframework.security.acls.model.SidRetrievalStrategy;
import org.springframework.security.core.Authentication;

/**
 * Decides with Spring Security access control lists who sees and who may change the
 * objects of the types it governs: {@link BasePermission#READ READ} lets a viewer see an
 * object, {@link BasePermission#WRITE WRITE} lets it propose changes to it, and
 * {@link BasePermission#ADMINISTRATION ADMINISTRATION} lets it change the object's access
 * control list and hand the object to another owner. An object's owner always sees and
 * may change its own object. An object without an access control list is seen by its
 * owner alone; whether a viewer may create objects is left to the application's policies.
 * <p>
 * A viewer's security identities are those of its {@link Authentication} (its principal
 * and its granted authorities, through the {@link SidRetrievalStrategy}); a viewer whose
 * principal is not an {@code Authentication} has its principal name only.
 * <p>
 * Decisions are cached per object and viewer identities, next to the object's access
 * control list and its {@linkplain #audience(String) audience}. Change access control
 * lists through {@link EntanglementAcl}, which keeps these caches right and makes every
 * change live.
 *
 * @author Entanglement
 */
public final class AclSyncPolicy implements SyncPolicy, Ordered {

	/**
	 * The order of this policy among the application's: after mandatory access control
	 * (which always comes first), before any other policy.
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

	/** The audience key prefix of a principal. */
	public static final String USER_KEY = "user:";

	/** The audience key prefix of a granted authority. */
	public static final String AUTHORITY_KEY = "authority:";

	private static final int MAX_DECISIONS_PER_OBJECT = 1024;

	private final AclService aclService;

	private final AclObjectIdentities identities;

	private final SidRetrievalStrategy sidRetrieval;

	private final AclChangeTracker tracker;

	private final Cache entries;

	private final Set<String> types;

	private final AudienceIndex audience = new AclAudience();

	/** Access control lists as they were before a change, while the engine compares. */
	private final ThreadLocal<@Nullable Map<ObjectIdentity, Entry>> before = new ThreadLocal<>();

	/** The identities of each principal in use. */
	private final PerPrincipal<ViewerSids> viewers = new PerPrincipal<>();

	/**
	 * Create a policy.
	 * @param aclService reads access control lists
	 * @param identities the ACL identity of each object
	 * @param sidRetrieval the security identities of an authentication
	 * @param tracker the access control list changes in flight
	 * @param entries the cache of access control lists, audiences and decisions per
	 * object identity
	 * @param types the types this policy governs
	 */
	public AclSyncPolicy(AclService aclService, AclObjectIdentities identities, SidRetrievalStrategy sidRetrieval,
			AclChangeTracker tracker, Cache entries, Collection<String> types) {
		this.aclService = aclService;
		this.identities = identities;
		this.sidRetrieval = sidRetrieval;
		this.tracker = tracker;
		this.entries = entries;
		this.types = Set.copyOf(types);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/**
	 * The types this policy governs.
	 * @return their names
	 */
	public Set<String> types() {
		return this.types;
	}

	@Override
	public boolean appliesTo(String type) {
		return this.types.contains(type);
	}

	@Override
	public boolean maySee(SyncViewer viewer, SyncChange change) {
		return isOwner(viewer, change.owner()) || granted(viewer, change.key(), BasePermission.READ);
	}

	/**
	 * The owner: access control lists change through
	 * {@link io.entanglement.AccessChanges}.
	 */
	@Override
	public String accessState(SyncChange change) {
		return (change.owner() != null) ? "=" + change.owner() : "";
	}

	/**
	 * Proposing a change to an existing object needs {@code WRITE}; creating one is left
	 * to the application's policies.
	 */
	@Override
	public boolean mayPropose(SyncViewer viewer, @Nullable SyncChange current, Proposal proposal) {
		return current == null || isOwner(viewer, current.owner())
				|| granted(viewer, current.key(), BasePermission.WRITE);
	}

	@Override
	public boolean mayChangeOwner(SyncViewer viewer, SyncChange current, String newOwner) {
		return isOwner(viewer, current.owner()) || granted(viewer, current.key(), BasePermission.ADMINISTRATION);
	}

	/**
	 * Viewers hold one key per security identity ({@code user:alice},
	 * {@code authority:ROLE_STAFF}); an object's audience is the identities its access
	 * control list grants {@code READ} to, inherited entries included, and its owner.
	 */
	@Override
	public @Nullable AudienceIndex audience(String type) {
		return appliesTo(type) ? this.audience : null;
	}

	/**
	 * Access to an object as its access control list decided before a change.
	 * @param objectIdentity the object
	 * @param acl its access control list before the change (a copy nobody changes), or
	 * {@code null} if it had none
	 * @return a scope in which this policy decides about the object with that list
	 */
	public AccessScope accessBefore(ObjectIdentity objectIdentity, @Nullable Acl acl) {
		Entry entry = new Entry(acl);
		return (decision) -> {
			Map<ObjectIdentity, Entry> previous = this.before.get();
			Map<ObjectIdentity, Entry> overrides = (previous != null) ? new HashMap<>(previous) : new HashMap<>();
			overrides.put(objectIdentity, entry);
			this.before.set(overrides);
			try {
				return decision.getAsBoolean();
			}
			finally {
				if (previous != null) {
					this.before.set(previous);
				}
				else {
					this.before.remove();
				}
			}
		};
	}

	/**
	 * Forget what is cached about an object, after its access control list changed.
	 * @param objectIdentity the object
	 */
	public void invalidate(ObjectIdentity objectIdentity) {
		this.entries.evict(objectIdentity);
	}

	/**
	 * Forget everything cached, after a change that other access control lists inherit.
	 */
	public void invalidateAll() {
		this.entries.clear();
	}

	private static boolean isOwner(SyncViewer viewer, @Nullable String owner) {
		return owner != null && owner.equals(viewer.name());
	}

	private boolean granted(SyncViewer viewer, ObjectKey key, Permission permission) {
		ViewerSids sids = sids(viewer);
		if (sids == null) {
			return false;
		}
		Entry entry = entry(key);
		if (entry == null) {
			return false;
		}
		if (permission.getMask() == BasePermission.READ.getMask()
				&& Collections.disjoint(entry.audience, sids.keys())) {
			// No granting entry names any of the viewer's identities: the common case
			// when a viewer's snapshot passes over objects of other groups, decided
			// without asking the access control list or caching a decision.
			return false;
		}
		return entry.isGranted(permission, sids);
	}

	private @Nullable Entry entry(ObjectKey key) {
		ObjectIdentity objectIdentity = this.identities.of(key.type(), key.id());
		if (objectIdentity == null) {
			return null;
		}
		Map<ObjectIdentity, Entry> overrides = this.before.get();
		if (overrides != null) {
			Entry entry = overrides.get(objectIdentity);
			if (entry != null) {
				return entry;
			}
		}
		if (this.tracker.isChanging(objectIdentity)) {
			return load(objectIdentity);
		}
		Entry cached = this.entries.get(objectIdentity, Entry.class);
		if (cached != null) {
			return cached;
		}
		long seen = this.tracker.generation();
		Entry loaded = load(objectIdentity);
		this.tracker.cacheIfSettled(seen, () -> this.entries.put(objectIdentity, loaded));
		return loaded;
	}

	private Entry load(ObjectIdentity objectIdentity) {
		try {
			return new Entry(this.aclService.readAclById(objectIdentity));
		}
		catch (NotFoundException ex) {
			return new Entry(null);
		}
	}

	private @Nullable ViewerSids sids(SyncViewer viewer) {
		return viewer.isAuthenticated() ? this.viewers.get(viewer, this::sidsOf) : null;
	}

	private ViewerSids sidsOf(Principal principal) {
		List<Sid> sids = (principal instanceof Authentication authentication)
				? this.sidRetrieval.getSids(authentication) : List.of(new PrincipalSid(principal.getName()));
		Set<String> keys = new LinkedHashSet<>();
		// The principal's name as owners are named, should the sid spell it differently.
		keys.add(USER_KEY + principal.getName());
		for (Sid sid : sids) {
			keys.add(key(sid));
		}
		return new ViewerSids(List.copyOf(sids), Set.copyOf(keys));
	}

	private static String key(Sid sid) {
		if (sid instanceof PrincipalSid principal) {
			return USER_KEY + principal.getPrincipal();
		}
		if (sid instanceof GrantedAuthoritySid authority) {
			return AUTHORITY_KEY + authority.getGrantedAuthority();
		}
		return "sid:" + sid;
	}

	/**
	 * The keys of the identities an access control list grants {@code READ} to, its
	 * inherited entries included. A granting entry whose mask includes the read bit
	 * counts, so that the audience is never smaller than who is granted, whatever the
	 * permission granting strategy.
	 */
	private static Set<String> audienceOf(Acl acl) {
		int read = BasePermission.READ.getMask();
		Set<String> keys = new HashSet<>();
		Acl current = acl;
		while (current != null) {
			for (AccessControlEntry entry : current.getEntries()) {
				if (entry.isGranting() && (entry.getPermission().getMask() & read) == read) {
					keys.add(key(entry.getSid()));
				}
			}
			current = current.isEntriesInheriting() ? current.getParentAcl() : null;
		}
		return Set.copyOf(keys);
	}

	/**
	 * The security identities of a viewer and their audience keys. One instance per
	 * principal, so decisions are cached by identity, without hashing the identities.
	 */
	private record ViewerSids(List<Sid> sids, Set<String> keys) {

		@Override
		public boolean equals(@Nullable Object other) {
			return this == other;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this);
		}

	}

	private record DecisionKey(int mask, ViewerSids sids) {
	}

	/**
	 * What is known of one object: its access control list (or that it has none), its
	 * audience, and the decisions taken so far.
	 */
	static final class Entry {

		private final @Nullable Acl acl;

		private final Set<String> audience;

		private final Map<DecisionKey, Boolean> decisions = new ConcurrentHashMap<>();

		Entry(@Nullable Acl acl) {
			this.acl = acl;
			this.audience = (acl != null) ? audienceOf(acl) : Set.of();
		}

		boolean isGranted(Permission permission, ViewerSids sids) {
			Acl acl = this.acl;
			if (acl == null) {
				return false;
			}
			DecisionKey key = new DecisionKey(permission.getMask(), sids);
			Boolean decided = this.decisions.get(key);
			if (decided != null) {
				return decided;
			}
			boolean granted;
			try {
				// Administrative mode: deciding what to send is not an access to audit.
				granted = acl.isGranted(List.of(permission), sids.sids(), true);
			}
			catch (NotFoundException ex) {
				// No entry for any of the viewer's identities: denied by default.
				granted = false;
			}
			if (this.decisions.size() >= MAX_DECISIONS_PER_OBJECT) {
				this.decisions.clear();
			}
			this.decisions.put(key, granted);
			return granted;
		}

	}

	private final class AclAudience implements AudienceIndex {

		@Override
		public Set<String> keys(SyncViewer viewer) {
			ViewerSids sids = sids(viewer);
			return (sids != null) ? sids.keys() : Set.of();
		}

		@Override
		public Set<String> audience(SyncChange change) {
			Entry entry = entry(change.key());
			Set<String> keys = (entry != null) ? entry.audience : Set.of();
			String owner = change.owner();
			if (owner == null) {
				return keys;
			}
			Set<String> withOwner = new HashSet<>(keys);
			withOwner.add(USER_KEY + owner);
			return withOwner;
		}

	}

}
