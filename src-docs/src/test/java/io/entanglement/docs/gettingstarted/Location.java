package io.entanglement.docs.gettingstarted;

import java.util.UUID;

import io.entanglement.SyncIgnore;
import io.entanglement.SyncOwner;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Version;

/**
 * The entity of the getting-started guide: one person's position.
 *
 * @author Entanglement
 */
// tag::entity[]
@Entity
public class Location {

	@Id
	@GeneratedValue
	private UUID id;

	@SyncOwner
	private String owner;

	private double lat;

	private double lng;

	@SyncIgnore
	private String deviceToken;

	@Version
	private long version;

	// Constructors, getters and moveTo(lat, lng) are left out of the guide.
	// end::entity[]
	protected Location() {
	}

	public Location(String owner, double lat, double lng, String deviceToken) {
		this.owner = owner;
		this.lat = lat;
		this.lng = lng;
		this.deviceToken = deviceToken;
	}

	public UUID getId() {
		return this.id;
	}

	public String getOwner() {
		return this.owner;
	}

	public double getLat() {
		return this.lat;
	}

	public double getLng() {
		return this.lng;
	}

	public void moveTo(double lat, double lng) {
		this.lat = lat;
		this.lng = lng;
	}

	public String getDeviceToken() {
		return this.deviceToken;
	}

	public long getVersion() {
		return this.version;
	}

	// tag::entity[]

}
// end::entity[]
