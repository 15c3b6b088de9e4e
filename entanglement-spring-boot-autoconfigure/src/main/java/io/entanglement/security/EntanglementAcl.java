package io.entanglement.security;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.entanglement.AccessChanges;
import io.entanglement.AccessScope;
import io.entanglement.ForbiddenException;
import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.SyncStore;
import io.entanglement.UnknownTypeException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.acls.domain.AclAuthorizationStrategy;
import org.springframework.security.acls.domain.AclImpl;
import org.springframework.security.acls.domain.GrantedAuthoritySid;
import org.springframework.security.acls.domain.PrincipalSid;
import org.springframework.security.acls.model.AccessControlEntry;
import org.springframework.security.acls.model.Acl;
import org.springframework.security.acls.model.AclCache;
import org.springframework.security.acls.model.MutableAcl;
import org.springframework.security.acls.model.MutableAclService;
import org.springframework.security.acls.model.NotFoundException;
import org.springframework.security.acls.model.ObjectIdentity;
import org.springframework.security.acls.model.Permission;
import org.springframework.security.acls.model.PermissionGrantingStrategy;
import org.springframework.security.acls.model.Sid;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * Grants and revokes access to synchronized objects, live: when the change commits,
 * sessions that lost {@code READ} are told to {@code forget} the object and receive
 * nothing more of it, sessions that gained it receive the object, and clients that catch
 * up later see the change too.
 * <p>
 * Each call runs in a transaction of its own, or joins the caller's, and creates the
 * object's access control list if it has none. When the calling thread is authenticated,
 * the caller must be allowed to change the list: the object's owner is, and so is whoever
 * Spring Security's {@link AclAuthorizationStrategy} allows (the list's owner, the
 * administrator authority, a holder of {@code ADMINISTRATION}); anybody else gets a
 * {@link ForbiddenException}. Without an authentication (server code, start-up tasks),
 * the call runs as this node.
 *
 * @author Entanglement
 */
public final class EntanglementAcl {

	/** Locks the list's own row only, so that lists of one class change concurrently. */
	private static final String LOCK_ACL = "SELECT id FROM acl_object_identity "
			+ "WHERE object_id_class = (SELECT id FROM acl_class WHERE class = ?) AND object_id_identity = ? "
			+ "FOR UPDATE";

	private static final AclAuthorizationStrategy UNCHECKED = (acl, changeType) -> {
	};

	private static final int ATTEMPTS = 3;

	private final MutableAclService aclService;

	private final AclObjectIdentities identities;

	private final AclSyncPolicy policy;

	private final AclChangeTracker tracker;

	private final AclCache aclCache;

	private final AccessChanges accessChanges;

	private final AclAuthorizationStrategy authorization;

	private final PermissionGrantingStrategy granting;

	private final TransactionTemplate transactions;

	private final @Nullable JdbcOperations jdbc;

	private final Authentication system;

	private final SecurityContextHolderStrategy securityContexts = SecurityContextHolder.getContextHolderStrategy();

	/**
	 * Create the helper.
	 * @param aclService stores the access control lists
	 * @param identities the ACL identity of each object
	 * @param policy the policy whose caches follow every change
	 * @param tracker the access control list changes in flight
	 * @param aclCache the cache of the ACL service, evicted after every change
	 * @param accessChanges makes every change live
	 * @param authorization decides whether an authenticated caller may change a list
	 * @param granting the permission granting strategy of the lists
	 * @param transactions the application's transaction manager
	 * @param jdbc runs on the ACL tables, to lock a list while it changes; {@code null}
	 * if the ACL service does not keep the lists in Entanglement's tables
	 * @param systemName the principal name this node acts as, and owns lists as
	 * @param adminAuthority the authority that may change every list
	 */
	public EntanglementAcl(MutableAclService aclService, AclObjectIdentities identities, AclSyncPolicy policy,
			AclChangeTracker tracker, AclCache aclCache, AccessChanges accessChanges,
			AclAuthorizationStrategy authorization, PermissionGrantingStrategy granting,
			PlatformTransactionManager transactions, @Nullable JdbcOperations jdbc, String systemName,
			String adminAuthority) {
		this.aclService = aclService;
		this.identities = identities;
		this.policy = policy;
		this.tracker = tracker;
		this.aclCache = aclCache;
		this.accessChanges = accessChanges;
		this.authorization = authorization;
		this.granting = granting;
		this.transactions = new TransactionTemplate(transactions);
		this.jdbc = jdbc;
		this.system = UsernamePasswordAuthenticationToken.authenticated(systemName, null,
				List.of(new SimpleGrantedAuthority(adminAuthority)));
	}

	/**
	 * Grant permissions on an object.
	 * @param type the type name
	 * @param id the object id
	 * @param sid who is granted
	 * @param permissions what is granted, such as {@code BasePermission.READ}
	 * @throws ForbiddenException if the authenticated caller may not change the object's
	 * access control list
	 * @throws UnknownTypeException if the type is not synchronized
	 * @throws IllegalArgumentException if the type is not governed by access control
	 * lists
	 */
	public void grant(String type, String id, Sid sid, Permission... permissions) {
		Assert.notNull(sid, "Sid must not be null");
		Assert.notEmpty(permissions, "At least one permission is needed");
		change(type, id, new Edit() {

			@Override
			boolean changes(@Nullable Acl acl) {
				for (Permission permission : permissions) {
					int index = (acl != null) ? indexOf(acl, sid, permission) : -1;
					if (index < 0 || !acl.getEntries().get(index).isGranting()) {
						return true;
					}
				}
				return false;
			}

			/**
			 * A grant adds granting entries or turns denials into grants, and a list it
			 * creates keeps the owner's access: nobody loses sight of the object.
			 */
			@Override
			boolean widens() {
				return true;
			}

			@Override
			void apply(MutableAcl acl) {
				for (Permission permission : permissions) {
					int index = indexOf(acl, sid, permission);
					if (index < 0) {
						acl.insertAce(acl.getEntries().size(), permission, sid, true);
					}
					else if (!acl.getEntries().get(index).isGranting()) {
						// A grant replaces a denial of the same permission, in its place.
						acl.deleteAce(index);
						acl.insertAce(index, permission, sid, true);
					}
				}
				EntanglementAcl.this.aclService.updateAcl(acl);
			}

		});
	}

	/**
	 * Grant permissions on an object to a user.
	 * @param type the type name
	 * @param id the object id
	 * @param username the user's principal name
	 * @param permissions what is granted
	 * @see #grant(String, String, Sid, Permission...)
	 */
	public void grantUser(String type, String id, String username, Permission... permissions) {
		grant(type, id, new PrincipalSid(username), permissions);
	}

	/**
	 * Grant permissions on an object to everyone holding an authority.
	 * @param type the type name
	 * @param id the object id
	 * @param authority the granted authority, such as {@code ROLE_STAFF}
	 * @param permissions what is granted
	 * @see #grant(String, String, Sid, Permission...)
	 */
	public void grantAuthority(String type, String id, String authority, Permission... permissions) {
		grant(type, id, new GrantedAuthoritySid(authority), permissions);
	}

	/**
	 * Remove the entries of the object's access control list that grant or deny these
	 * permissions to this sid. A sid may still hold a permission through another of a
	 * viewer's sids (an authority, say).
	 * @param type the type name
	 * @param id the object id
	 * @param sid whose entries are removed
	 * @param permissions which permissions
	 * @throws ForbiddenException if the authenticated caller may not change the object's
	 * access control list
	 * @throws UnknownTypeException if the type is not synchronized
	 * @throws IllegalArgumentException if the type is not governed by access control
	 * lists
	 */
	public void revoke(String type, String id, Sid sid, Permission... permissions) {
		Assert.notNull(sid, "Sid must not be null");
		Assert.notEmpty(permissions, "At least one permission is needed");
		change(type, id, new Edit() {

			@Override
			boolean changes(@Nullable Acl acl) {
				if (acl == null) {
					return false;
				}
				for (Permission permission : permissions) {
					if (indexOf(acl, sid, permission) >= 0) {
						return true;
					}
				}
				return false;
			}

			@Override
			void apply(MutableAcl acl) {
				for (Permission permission : permissions) {
					int index;
					while ((index = indexOf(acl, sid, permission)) >= 0) {
						acl.deleteAce(index);
					}
				}
				EntanglementAcl.this.aclService.updateAcl(acl);
			}

		});
	}

	/**
	 * Revoke permissions on an object from a user.
	 * @param type the type name
	 * @param id the object id
	 * @param username the user's principal name
	 * @param permissions what is revoked
	 * @see #revoke(String, String, Sid, Permission...)
	 */
	public void revokeUser(String type, String id, String username, Permission... permissions) {
		revoke(type, id, new PrincipalSid(username), permissions);
	}

	/**
	 * Revoke permissions on an object from an authority.
	 * @param type the type name
	 * @param id the object id
	 * @param authority the granted authority
	 * @param permissions what is revoked
	 * @see #revoke(String, String, Sid, Permission...)
	 */
	public void revokeAuthority(String type, String id, String authority, Permission... permissions) {
		revoke(type, id, new GrantedAuthoritySid(authority), permissions);
	}

	/**
	 * Delete an object's access control list: only its owner sees it afterwards. Delete
	 * the list of a deleted object only once its viewers had time to hear of the deletion
	 * (a delete reaches only viewers the policy lets see the object).
	 * @param type the type name
	 * @param id the object id
	 * @throws ForbiddenException if the authenticated caller may not change the object's
	 * access control list
	 * @throws UnknownTypeException if the type is not synchronized
	 * @throws IllegalArgumentException if the type is not governed by access control
	 * lists
	 */
	public void delete(String type, String id) {
		change(type, id, new Edit() {

			@Override
			boolean changes(@Nullable Acl acl) {
				return acl != null;
			}

			@Override
			boolean creates() {
				return false;
			}

			@Override
			void apply(MutableAcl acl) {
				EntanglementAcl.this.aclService.deleteAcl(acl.getObjectIdentity(), false);
			}

		});
	}

	private void change(String type, String id, Edit edit) {
		Assert.isTrue(this.policy.appliesTo(type), () -> "Type '" + type
				+ "' is not governed by access control lists; list it in entanglement.security.acl.types");
		SyncStore store = this.identities.store(type);
		ObjectIdentity objectIdentity = this.identities.of(type, id);
		if (store == null || objectIdentity == null) {
			throw new UnknownTypeException(type);
		}
		ObjectKey key = new ObjectKey(type, id);
		Authentication caller = this.securityContexts.getContext().getAuthentication();
		// Two first grants at once both create the list (or its sid): one fails, and a
		// fresh transaction finds what the other created.
		boolean retryable = !TransactionSynchronizationManager.isActualTransactionActive();
		for (int attempt = 1;; attempt++) {
			try {
				this.transactions
					.executeWithoutResult((status) -> changeInTransaction(store, key, objectIdentity, caller, edit));
				return;
			}
			catch (DataIntegrityViolationException ex) {
				if (!retryable || attempt == ATTEMPTS) {
					throw ex;
				}
			}
		}
	}

	private void changeInTransaction(SyncStore store, ObjectKey key, ObjectIdentity objectIdentity,
			@Nullable Authentication caller, Edit edit) {
		Changes changes = changes();
		changes.add(objectIdentity);
		lock(objectIdentity);
		MutableAcl acl = read(objectIdentity);
		SyncChange object = store.find(key.id());
		authorize(caller, key, objectIdentity, acl, object);
		if (!edit.changes(acl) || (acl == null && !edit.creates())) {
			return;
		}
		// A private copy: the one the ACL service returned may be shared through its
		// cache, and must not show the change before it commits.
		Acl before = (acl != null) ? copy(acl) : null;
		announce(key, this.policy.accessBefore(objectIdentity, before), edit.widens());
		if (acl != null) {
			inheritedBy(objectIdentity, edit.widens(), changes);
		}
		MutableAcl working = (acl != null) ? copy(acl) : create(objectIdentity, object);
		edit.apply(working);
	}

	/**
	 * Lists that inherit entries from one being changed change too: each synchronized
	 * object among them is announced, with its access before (its list holds the parent
	 * as it was), so its viewers gain or lose it live like those of the parent.
	 */
	private void inheritedBy(ObjectIdentity parent, boolean widens, Changes changes) {
		Set<ObjectIdentity> seen = new HashSet<>();
		Deque<ObjectIdentity> next = new ArrayDeque<>();
		next.add(parent);
		while (!next.isEmpty()) {
			List<ObjectIdentity> children = this.aclService.findChildren(next.poll());
			if (children == null) {
				continue;
			}
			for (ObjectIdentity child : children) {
				if (!seen.add(child) || child.equals(parent)) {
					continue;
				}
				next.add(child);
				changes.inherited = true;
				ObjectKey key = this.identities.keyOf(child, this.policy.types());
				if (key == null) {
					continue;
				}
				changes.add(child);
				MutableAcl before = read(child);
				announce(key, this.policy.accessBefore(child, (before != null) ? copy(before) : null), widens);
			}
		}
	}

	private void announce(ObjectKey key, AccessScope before, boolean widens) {
		if (widens) {
			this.accessChanges.widening(key, before);
		}
		else {
			this.accessChanges.changing(key, before);
		}
	}

	private void lock(ObjectIdentity objectIdentity) {
		if (this.jdbc != null) {
			this.jdbc.queryForList(LOCK_ACL, Long.class, objectIdentity.getType(),
					objectIdentity.getIdentifier().toString());
		}
	}

	private @Nullable MutableAcl read(ObjectIdentity objectIdentity) {
		try {
			return (MutableAcl) this.aclService.readAclById(objectIdentity);
		}
		catch (NotFoundException ex) {
			return null;
		}
	}

	/**
	 * An authenticated caller must be the object's owner or pass Spring Security's
	 * authorization strategy; without a list yet, the strategy decides as if this node
	 * owned the list (the administrator authority passes).
	 */
	private void authorize(@Nullable Authentication caller, ObjectKey key, ObjectIdentity objectIdentity,
			@Nullable Acl acl, @Nullable SyncChange object) {
		if (caller == null || (object != null && caller.getName().equals(object.owner()))) {
			return;
		}
		Acl subject = (acl != null) ? acl : new AclImpl(objectIdentity, 0L, this.authorization, this.granting, null,
				null, true, new PrincipalSid(this.system));
		try {
			this.authorization.securityCheck(subject, AclAuthorizationStrategy.CHANGE_GENERAL);
		}
		catch (AccessDeniedException | NotFoundException ex) {
			// Spring Security's strategy reports "no entry grants ADMINISTRATION" as not
			// found.
			throw new ForbiddenException("You may not change the access control list of " + key);
		}
	}

	/**
	 * A new list, owned by the object's owner (by this node if the object has no owner or
	 * does not exist yet).
	 */
	private MutableAcl create(ObjectIdentity objectIdentity, @Nullable SyncChange object) {
		SecurityContext previous = this.securityContexts.getContext();
		SecurityContext context = this.securityContexts.createEmptyContext();
		context.setAuthentication(this.system);
		this.securityContexts.setContext(context);
		MutableAcl created;
		try {
			created = this.aclService.createAcl(objectIdentity);
		}
		finally {
			this.securityContexts.setContext(previous);
		}
		MutableAcl acl = copy(created);
		String owner = (object != null) ? object.owner() : null;
		if (owner != null) {
			acl.setOwner(new PrincipalSid(owner));
		}
		return acl;
	}

	/**
	 * A copy nobody else holds, which takes changes without checks: the caller was
	 * authorized once, up front.
	 */
	private MutableAcl copy(Acl acl) {
		AclImpl copy = new AclImpl(acl.getObjectIdentity(), ((MutableAcl) acl).getId(), UNCHECKED, this.granting,
				acl.getParentAcl(), null, acl.isEntriesInheriting(), acl.getOwner());
		List<AccessControlEntry> entries = acl.getEntries();
		for (int i = 0; i < entries.size(); i++) {
			AccessControlEntry entry = entries.get(i);
			copy.insertAce(i, entry.getPermission(), entry.getSid(), entry.isGranting());
		}
		return copy;
	}

	private static int indexOf(Acl acl, Sid sid, Permission permission) {
		List<AccessControlEntry> entries = acl.getEntries();
		for (int i = 0; i < entries.size(); i++) {
			AccessControlEntry entry = entries.get(i);
			if (entry.getSid().equals(sid) && entry.getPermission().getMask() == permission.getMask()) {
				return i;
			}
		}
		return -1;
	}

	private Changes changes() {
		Changes changes = (Changes) TransactionSynchronizationManager.getResource(this);
		if (changes == null) {
			changes = new Changes();
			TransactionSynchronizationManager.bindResource(this, changes);
			TransactionSynchronizationManager.registerSynchronization(changes);
		}
		return changes;
	}

	/**
	 * One change to one access control list.
	 */
	private abstract static class Edit {

		/**
		 * Whether the edit changes the list.
		 * @param acl the list, {@code null} if the object has none
		 */
		abstract boolean changes(@Nullable Acl acl);

		/**
		 * Whether the edit creates the list if the object has none.
		 */
		boolean creates() {
			return true;
		}

		/**
		 * Whether whoever could see the object before the edit still may after it.
		 */
		boolean widens() {
			return false;
		}

		/**
		 * Make the change, through the ACL service.
		 */
		abstract void apply(MutableAcl acl);

	}

	/**
	 * The access control lists one transaction changes. They are evicted from every cache
	 * once it commits, before the engine compares access before and after, and are
	 * settled whatever the outcome.
	 */
	private final class Changes implements TransactionSynchronization {

		private final Set<ObjectIdentity> objects = new LinkedHashSet<>();

		private boolean inherited;

		private boolean settled;

		void add(ObjectIdentity objectIdentity) {
			if (this.objects.add(objectIdentity)) {
				EntanglementAcl.this.tracker.started(objectIdentity);
			}
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

		@Override
		public void beforeCompletion() {
			TransactionSynchronizationManager.unbindResourceIfPossible(EntanglementAcl.this);
		}

		@Override
		public void afterCommit() {
			settle();
		}

		@Override
		public void afterCompletion(int status) {
			settle();
		}

		private void settle() {
			if (this.settled) {
				return;
			}
			this.settled = true;
			try {
				for (ObjectIdentity objectIdentity : this.objects) {
					EntanglementAcl.this.aclCache.evictFromCache(objectIdentity);
					EntanglementAcl.this.policy.invalidate(objectIdentity);
				}
				if (this.inherited) {
					EntanglementAcl.this.policy.invalidateAll();
				}
			}
			finally {
				for (ObjectIdentity objectIdentity : this.objects) {
					EntanglementAcl.this.tracker.ended(objectIdentity);
				}
			}
		}

	}

}
