package io.entanglement.benchmarks.load;

import java.time.Instant;

import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Version;

/**
 * The attributes of a map marker, the entity both servers of the harness commit and
 * deliver: five small attributes, one of which ({@code sentAt}) is the commit time in
 * microseconds since the epoch, from which clients measure commit-to-client latency.
 *
 * @author Entanglement
 */
@MappedSuperclass
public abstract class MarkerFields {

	@Id
	private long id;

	private String title = "";

	private double lat;

	private double lng;

	private String color = "#3366ff";

	private long sentAt;

	@Version
	private long version;

	protected MarkerFields() {
	}

	protected MarkerFields(long id) {
		this.id = id;
		this.title = "Marker " + id;
		this.lat = 48.8566;
		this.lng = 2.3522;
	}

	/**
	 * Move the marker a little, as an edit would, stamped with the current time.
	 * @param step a number that varies from one edit to the next
	 */
	public void edit(long step) {
		this.lat = 48.8566 + (step % 1000) * 1.0e-4;
		this.lng = 2.3522 - (step % 997) * 1.0e-4;
		this.color = ((step & 1) == 0) ? "#3366ff" : "#ff6633";
		Instant now = Instant.now();
		this.sentAt = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
	}

	public long getId() {
		return this.id;
	}

	public String getTitle() {
		return this.title;
	}

	public double getLat() {
		return this.lat;
	}

	public double getLng() {
		return this.lng;
	}

	public String getColor() {
		return this.color;
	}

	public long getSentAt() {
		return this.sentAt;
	}

	public long getVersion() {
		return this.version;
	}

}
