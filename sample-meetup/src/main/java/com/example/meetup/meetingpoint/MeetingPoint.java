package com.example.meetup.meetingpoint;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import com.example.meetup.group.Group;
import com.example.meetup.location.Position;
import io.entanglement.SecurityLabel;
import io.entanglement.SyncOwner;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PrePersist;
import jakarta.persistence.PreUpdate;
import jakarta.persistence.Version;
import org.jspecify.annotations.Nullable;

/**
 * Where a group meets. The group's organizer owns it: members propose moves, which are
 * forwarded to the organizer's browser, and only the organizer's decision moves it. It
 * carries its group's label.
 *
 * @author Entanglement
 */
@Entity
public class MeetingPoint {

	/**
	 * The id of the group that meets here: one meeting point per group.
	 */
	@Id
	private String id;

	@SyncOwner
	@Column(nullable = false)
	private String organizer;

	private double lat;

	private double lng;

	@SecurityLabel
	private @Nullable String label;

	@Column(nullable = false)
	private Instant updatedAt;

	@Version
	private long version;

	protected MeetingPoint() {
		// for JPA
	}

	public MeetingPoint(Group group, Position position) {
		this.id = group.getId();
		this.organizer = group.getOrganizer();
		this.label = group.getLabel();
		this.lat = position.lat();
		this.lng = position.lng();
	}

	@PrePersist
	@PreUpdate
	void touch() {
		this.updatedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
	}

	public String getId() {
		return this.id;
	}

	public String getOrganizer() {
		return this.organizer;
	}

	public Position getPosition() {
		return new Position(this.lat, this.lng);
	}

	public @Nullable String getLabel() {
		return this.label;
	}

	public long getVersion() {
		return this.version;
	}

}
