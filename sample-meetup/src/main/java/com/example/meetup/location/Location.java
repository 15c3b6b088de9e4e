package com.example.meetup.location;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import io.entanglement.SyncOwner;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.PrePersist;
import jakarta.persistence.PreUpdate;
import jakarta.persistence.Version;
import org.jspecify.annotations.Nullable;

/**
 * Where a person is and which way they are heading. Each person owns their location:
 * their own proposals (a drag on the map) are applied at once, and nobody else may change
 * it. Who else sees it is up to its access control list.
 *
 * @author Entanglement
 */
@Entity
public class Location {

	@Id
	@GeneratedValue(strategy = GenerationType.UUID)
	private @Nullable UUID id;

	@SyncOwner
	@Column(nullable = false, unique = true, updatable = false)
	private String person;

	private double lat;

	private double lng;

	/**
	 * Degrees clockwise from north.
	 */
	private double heading;

	@Column(nullable = false)
	private Instant updatedAt;

	@Version
	private long version;

	protected Location() {
		// for JPA
	}

	public Location(String person, Position position, double heading) {
		this.person = person;
		moveTo(position, heading);
	}

	public void moveTo(Position position, double heading) {
		this.lat = position.lat();
		this.lng = position.lng();
		this.heading = heading;
	}

	/**
	 * The server says when a location changed, whoever moved it.
	 */
	@PrePersist
	@PreUpdate
	void touch() {
		// The precision the database keeps, so that live changes and snapshots agree.
		this.updatedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
	}

	public Position getPosition() {
		return new Position(this.lat, this.lng);
	}

	public @Nullable UUID getId() {
		return this.id;
	}

	public String getPerson() {
		return this.person;
	}

	public double getLat() {
		return this.lat;
	}

	public double getLng() {
		return this.lng;
	}

	public double getHeading() {
		return this.heading;
	}

	public @Nullable Instant getUpdatedAt() {
		return this.updatedAt;
	}

	public long getVersion() {
		return this.version;
	}

}
