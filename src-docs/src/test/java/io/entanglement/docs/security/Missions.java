package io.entanglement.docs.security;

import io.entanglement.security.EntanglementAcl;
import org.jspecify.annotations.Nullable;

import org.springframework.security.acls.domain.BasePermission;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Opens missions to a team and hands them over, in the security page's worked example.
 *
 * @author Entanglement
 */
// tag::missions[]
@Service
public class Missions {

	private final MissionRepository missions;

	private final EntanglementAcl acl;

	public Missions(MissionRepository missions, EntanglementAcl acl) {
		this.missions = missions;
		this.acl = acl;
	}

	/**
	 * Open a mission to one team: its members see it and may change it, staff see it.
	 */
	@Transactional
	public Mission open(String name, String team, @Nullable String label) {
		Mission mission = this.missions.save(new Mission(name, team, label));
		String id = mission.getId().toString();
		this.acl.grantAuthority("mission", id, "ROLE_" + team, BasePermission.READ, BasePermission.WRITE);
		this.acl.grantAuthority("mission", id, "ROLE_STAFF", BasePermission.READ);
		return mission;
	}

	/**
	 * Hand a mission to another team: the old team forgets it at once.
	 */
	@Transactional
	public Mission handOver(Mission mission, String to) {
		String id = mission.getId().toString();
		this.acl.revokeAuthority("mission", id, "ROLE_" + mission.getTeam(), BasePermission.READ, BasePermission.WRITE);
		this.acl.grantAuthority("mission", id, "ROLE_" + to, BasePermission.READ, BasePermission.WRITE);
		mission.setTeam(to);
		return this.missions.save(mission);
	}

}
// end::missions[]
