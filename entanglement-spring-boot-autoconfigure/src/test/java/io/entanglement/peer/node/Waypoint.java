package io.entanglement.peer.node;

import java.util.UUID;

import io.entanglement.SyncOwner;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Version;

/**
 * A synchronized entity whose ids are the same on every node: a UUID the application
 * assigns, never a database sequence.
 */
@Entity
public class Waypoint {

	@Id
	private String id;

	private String name;

	private String team;

	private double lat;

	@SyncOwner
	private String owner;

	@Version
	private long version;

	protected Waypoint() {
	}

	public Waypoint(String name, String team, double lat) {
		this.id = UUID.randomUUID().toString();
		this.name = name;
		this.team = team;
		this.lat = lat;
	}

	public String getId() {
		return this.id;
	}

	public String getName() {
		return this.name;
	}

	public String getTeam() {
		return this.team;
	}

	public double getLat() {
		return this.lat;
	}

	public void setLat(double lat) {
		this.lat = lat;
	}

	public String getOwner() {
		return this.owner;
	}

	public void setOwner(String owner) {
		this.owner = owner;
	}

	public long getVersion() {
		return this.version;
	}

}
