package io.entanglement.testapp;

import io.entanglement.SecurityLabel;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Version;

/**
 * A labelled entity of the test application: only viewers whose clearance dominates its
 * label see it.
 */
@Entity
public class Dossier {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	private String title;

	@SecurityLabel
	private String label;

	@Version
	private long version;

	protected Dossier() {
	}

	public Dossier(String title, String label) {
		this.title = title;
		this.label = label;
	}

	public Long getId() {
		return this.id;
	}

	public String getTitle() {
		return this.title;
	}

	public void setTitle(String title) {
		this.title = title;
	}

	public String getLabel() {
		return this.label;
	}

	public void setLabel(String label) {
		this.label = label;
	}

	public long getVersion() {
		return this.version;
	}

}
