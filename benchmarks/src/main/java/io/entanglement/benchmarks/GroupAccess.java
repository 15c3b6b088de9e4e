package io.entanglement.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.entanglement.SyncViewer;
import io.entanglement.engine.LabelAccessControl;
import io.entanglement.security.AclChangeTracker;
import io.entanglement.security.AclObjectIdentities;
import io.entanglement.security.AclSyncPolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.caffeine.CaffeineCache;
import org.springframework.security.acls.domain.AclImpl;
import org.springframework.security.acls.domain.BasePermission;
import org.springframework.security.acls.domain.ConsoleAuditLogger;
import org.springframework.security.acls.domain.DefaultPermissionGrantingStrategy;
import org.springframework.security.acls.domain.GrantedAuthoritySid;
import org.springframework.security.acls.domain.PrincipalSid;
import org.springframework.security.acls.domain.SidRetrievalStrategyImpl;
import org.springframework.security.acls.model.Acl;
import org.springframework.security.acls.model.AclService;
import org.springframework.security.acls.model.NotFoundException;
import org.springframework.security.acls.model.ObjectIdentity;
import org.springframework.security.acls.model.Sid;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;

/**
 * The access setup of the load harness's P6, without a server or database: viewers in
 * groups of ten, each an {@link Authentication} with {@code ROLE_USER} and the authority
 * of its group, and one labelled {@link SampleObjects} object per group whose access
 * control list grants {@code READ} to that authority. The policies are those the starter
 * builds for such a type: {@link AclSyncPolicy} with a Caffeine cache of lists and
 * decisions (as with Caffeine on the class path), and a {@link LabelAccessControl} that
 * clears {@code ROLE_USER} for the objects' label.
 *
 * @author Entanglement
 */
final class GroupAccess {

	static final int GROUP_SIZE = 10;

	static final String LABEL = "CONFIDENTIAL";

	private final int groups;

	private final SampleObjects objects;

	private final AclSyncPolicy acl;

	private final LabelAccessControl labels;

	private final SyncViewer[] viewers;

	/**
	 * Create the setup.
	 * @param viewers the number of viewers, a multiple of ten
	 */
	GroupAccess(int viewers) {
		this.groups = viewers / GROUP_SIZE;
		this.objects = new SampleObjects(this.groups, LABEL);
		AclObjectIdentities identities = new AclObjectIdentities(
				(type) -> SampleObjects.TYPE.equals(type) ? this.objects : null);
		Map<ObjectIdentity, Acl> acls = new LinkedHashMap<>();
		for (int group = 0; group < this.groups; group++) {
			ObjectIdentity identity = identities.of(SampleObjects.TYPE, Integer.toString(group));
			AclImpl list = new AclImpl(identity, group, (changed, changeType) -> {
			}, new DefaultPermissionGrantingStrategy(new ConsoleAuditLogger()), null, null, false,
					new PrincipalSid(SampleObjects.OWNER));
			list.insertAce(0, BasePermission.READ, new GrantedAuthoritySid(authority(group)), true);
			acls.put(identity, list);
		}
		this.acl = new AclSyncPolicy(new MapAclService(acls), identities, new SidRetrievalStrategyImpl(),
				new AclChangeTracker(),
				new CaffeineCache("decisions", Caffeine.newBuilder().maximumSize(10_000).build()),
				List.of(SampleObjects.TYPE));
		this.labels = new LabelAccessControl(List.of("UNCLASSIFIED", LABEL, "SECRET", "TOP_SECRET"),
				Map.of("ROLE_USER", LABEL),
				(viewer) -> AuthorityUtils.authorityListToSet(((Authentication) viewer.principal()).getAuthorities()));
		this.viewers = new SyncViewer[viewers];
		for (int i = 0; i < viewers; i++) {
			this.viewers[i] = new SyncViewer("session-" + i, UsernamePasswordAuthenticationToken.authenticated("u" + i,
					null, AuthorityUtils.createAuthorityList("ROLE_USER", authority(i / GROUP_SIZE))));
		}
	}

	private static String authority(int group) {
		return "GROUP_" + group;
	}

	int groups() {
		return this.groups;
	}

	SampleObjects objects() {
		return this.objects;
	}

	AclSyncPolicy acl() {
		return this.acl;
	}

	LabelAccessControl labels() {
		return this.labels;
	}

	/**
	 * A viewer.
	 * @param index its index; viewer {@code i} is in group {@code i / 10}
	 * @return the viewer
	 */
	SyncViewer viewer(int index) {
		return this.viewers[index];
	}

	/**
	 * The groups in a fixed scattered order (a stride coprime with the number of groups),
	 * as commits to many groups come: any {@code groups()} consecutive ones are all
	 * different.
	 * @param k the position in that order
	 * @return the group at that position
	 */
	int group(long k) {
		return (int) ((k * 7919) % this.groups);
	}

	/**
	 * Access control lists held in a map, as a cached {@code JdbcMutableAclService} would
	 * return them.
	 */
	private record MapAclService(Map<ObjectIdentity, Acl> acls) implements AclService {

		@Override
		public List<ObjectIdentity> findChildren(ObjectIdentity parentIdentity) {
			return List.of();
		}

		@Override
		public Acl readAclById(ObjectIdentity object) {
			Acl acl = this.acls.get(object);
			if (acl == null) {
				throw new NotFoundException("No access control list for " + object);
			}
			return acl;
		}

		@Override
		public Acl readAclById(ObjectIdentity object, @Nullable List<Sid> sids) {
			return readAclById(object);
		}

		@Override
		public Map<ObjectIdentity, Acl> readAclsById(List<ObjectIdentity> objects) {
			Map<ObjectIdentity, Acl> found = new LinkedHashMap<>();
			for (ObjectIdentity object : objects) {
				found.put(object, readAclById(object));
			}
			return found;
		}

		@Override
		public Map<ObjectIdentity, Acl> readAclsById(List<ObjectIdentity> objects, @Nullable List<Sid> sids) {
			return readAclsById(objects);
		}

	}

}
