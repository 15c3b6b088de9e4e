package io.entanglement.docs.security;

import java.util.UUID;

import io.entanglement.SecurityLabel;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Version;

/**
 * A mission of the security page's worked example.
 *
 * @author Entanglement
 */
// tag::mission[]
@Entity
public class Mission {

	@Id
	private UUID id = UUID.randomUUID();

	private String name;

	private String team;

	@SecurityLabel
	private String label;

	@Version
	private long version;

	// end::mission[]

	protected Mission() {
	}

	public Mission(String name, String team, String label) {
		this.name = name;
		this.team = team;
		this.label = label;
	}

	public UUID getId() {
		return this.id;
	}

	public String getName() {
		return this.name;
	}

	public String getTeam() {
		return this.team;
	}

	public void setTeam(String team) {
		this.team = team;
	}

	public String getLabel() {
		return this.label;
	}

	public long getVersion() {
		return this.version;
	}

	// tag::mission[]

}
// end::mission[]
