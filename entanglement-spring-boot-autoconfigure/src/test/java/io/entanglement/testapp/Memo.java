package io.entanglement.testapp;

import java.util.UUID;

import io.entanglement.SecurityLabel;
import io.entanglement.SyncOwner;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Version;

/**
 * An entity of the test application governed by access control lists: who sees a memo is
 * decided by its list (and its owner, and its label).
 */
@Entity
public class Memo {

	@Id
	private UUID id = UUID.randomUUID();

	private String title;

	@SyncOwner
	private String owner;

	@SecurityLabel
	private String label;

	@Version
	private long version;

	protected Memo() {
	}

	public Memo(String title) {
		this.title = title;
	}

	public UUID getId() {
		return this.id;
	}

	public String getTitle() {
		return this.title;
	}

	public void setTitle(String title) {
		this.title = title;
	}

	public String getOwner() {
		return this.owner;
	}

	public void setOwner(String owner) {
		this.owner = owner;
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
