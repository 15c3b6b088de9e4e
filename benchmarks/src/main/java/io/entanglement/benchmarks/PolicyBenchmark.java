package io.entanglement.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;
import io.entanglement.engine.CompositeSyncPolicy;
import io.entanglement.engine.LabelAccessControl;
import io.entanglement.engine.MandatoryAccessPolicy;
import io.entanglement.security.AclChangeTracker;
import io.entanglement.security.AclObjectIdentities;
import io.entanglement.security.AclSyncPolicy;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

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
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.AuthorityUtils;

/**
 * One policy decision of the fan-out in the shape of the load harness's P6: viewers in
 * groups of ten, each object readable by one group through its access control list
 * ({@code READ} to the group's authority) and carrying a mandatory access label every
 * viewer is cleared for. The policy is the one the starter builds for such a type:
 * {@link AclSyncPolicy} (a Caffeine cache of lists and decisions, as with Caffeine on the
 * class path) behind {@link MandatoryAccessPolicy} with a {@link LabelAccessControl}.
 * <p>
 * Each operation asks whether one viewer may see one object's change, walking over the
 * objects in a scattered order as commits to many groups do. {@code granted} asks a
 * member of the object's group (what the fan-out asks of each candidate session);
 * {@code denied} asks a viewer of another group (what a snapshot asks of objects of other
 * groups). The score is decisions per second; the number of viewers shows what a larger
 * population of principals costs each decision.
 *
 * @author Entanglement
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@State(Scope.Benchmark)
public class PolicyBenchmark {

	private static final String TYPE = SampleObjects.TYPE;

	private static final String LABEL = "CONFIDENTIAL";

	private static final int GROUP_SIZE = 10;

	/**
	 * Viewers, each with a principal of its own, in groups of ten; one object per group.
	 */
	@Param({ "1000", "10000" })
	public int viewers;

	private SyncPolicy policy;

	private SyncViewer[] viewerList;

	private SyncChange[] changes;

	private int groups;

	private int next;

	@Setup(Level.Trial)
	public void createPolicy() {
		this.groups = this.viewers / GROUP_SIZE;
		SampleObjects store = new SampleObjects(0);
		AclObjectIdentities identities = new AclObjectIdentities((type) -> TYPE.equals(type) ? store : null);
		Map<ObjectIdentity, Acl> acls = new LinkedHashMap<>();
		this.changes = new SyncChange[this.groups];
		for (int group = 0; group < this.groups; group++) {
			ObjectKey key = new ObjectKey(TYPE, Integer.toString(group));
			this.changes[group] = SyncChange.upsert(key, "owner", 2, Map.of("title", "Group " + group, "label", LABEL));
			ObjectIdentity identity = identities.of(TYPE, key.id());
			AclImpl acl = new AclImpl(identity, Integer.valueOf(group), (list, changeType) -> {
			}, new DefaultPermissionGrantingStrategy(new ConsoleAuditLogger()), null, null, false,
					new PrincipalSid("owner"));
			acl.insertAce(0, BasePermission.READ, new GrantedAuthoritySid("GROUP_" + group), true);
			acls.put(identity, acl);
		}
		AclSyncPolicy acl = new AclSyncPolicy(new MapAclService(acls), identities, new SidRetrievalStrategyImpl(),
				new AclChangeTracker(),
				new CaffeineCache("decisions", Caffeine.newBuilder().maximumSize(10_000).build()), List.of(TYPE));
		LabelAccessControl labels = new LabelAccessControl(List.of("UNCLASSIFIED", LABEL, "SECRET", "TOP_SECRET"),
				Map.of("ROLE_USER", LABEL),
				(viewer) -> AuthorityUtils.authorityListToSet(((Authentication) viewer.principal()).getAuthorities()));
		this.policy = new MandatoryAccessPolicy(new CompositeSyncPolicy(List.of(acl)), labels,
				(type) -> TYPE.equals(type) ? "label" : null);
		this.viewerList = new SyncViewer[this.viewers];
		for (int i = 0; i < this.viewers; i++) {
			List<GrantedAuthority> authorities = AuthorityUtils.createAuthorityList("ROLE_USER",
					"GROUP_" + (i / GROUP_SIZE));
			this.viewerList[i] = new SyncViewer("session-" + i,
					UsernamePasswordAuthenticationToken.authenticated("u" + i, null, authorities));
		}
		// Every viewer's identities and every object's list cached, as in a server that
		// has run for a while; and the answers checked both ways.
		for (int i = 0; i < this.viewers; i++) {
			int group = i / GROUP_SIZE;
			if (!this.policy.maySee(this.viewerList[i], this.changes[group])
					|| this.policy.maySee(this.viewerList[i], this.changes[(group + 1) % this.groups])) {
				throw new IllegalStateException("Viewer " + i + " decided wrongly");
			}
		}
	}

	@Benchmark
	public boolean granted() {
		int n = this.next++;
		int group = scattered(n);
		return this.policy.maySee(this.viewerList[group * GROUP_SIZE + n % GROUP_SIZE], this.changes[group]);
	}

	@Benchmark
	public boolean denied() {
		int n = this.next++;
		int group = scattered(n);
		int other = (group + 1 + n % (this.groups - 1)) % this.groups;
		return this.policy.maySee(this.viewerList[other * GROUP_SIZE + n % GROUP_SIZE], this.changes[group]);
	}

	/**
	 * The group of the n-th decision: ten decisions per group, the groups visited in a
	 * fixed scattered order (a stride coprime with the number of groups).
	 */
	private int scattered(int n) {
		return (int) (((long) (n / GROUP_SIZE) * 7919) % this.groups);
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
