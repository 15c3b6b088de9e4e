package io.entanglement.testapp;

import io.entanglement.SyncIgnore;
import io.entanglement.SyncOwner;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Version;

/**
 * A synchronized entity of the test application.
 */
@Entity
public class Marker {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	private String name;

	private double lat;

	private double lng;

	@SyncIgnore
	private String secret;

	@SyncOwner
	private String owner;

	@Version
	private long version;

	protected Marker() {
	}

	public Marker(String name, double lat, double lng) {
		this.name = name;
		this.lat = lat;
		this.lng = lng;
		this.secret = "hidden-" + name;
	}

	public Long getId() {
		return this.id;
	}

	public String getName() {
		return this.name;
	}

	public void setName(String name) {
		this.name = name;
	}

	public double getLat() {
		return this.lat;
	}

	public void setLat(double lat) {
		this.lat = lat;
	}

	public double getLng() {
		return this.lng;
	}

	public void setLng(double lng) {
		this.lng = lng;
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
