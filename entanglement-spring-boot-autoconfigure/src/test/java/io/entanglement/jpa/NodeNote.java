package io.entanglement.jpa;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Version;
import org.jspecify.annotations.Nullable;

/**
 * A synchronized entity without an owner column: the node owns it.
 *
 * @author Entanglement
 */
@Entity
public class NodeNote {

	@Id
	private String id;

	@Version
	private @Nullable Long version;

	private String text;

	protected NodeNote() {
		this.id = "";
		this.text = "";
	}

	public NodeNote(String id, String text) {
		this.id = id;
		this.text = text;
	}

	public String getId() {
		return this.id;
	}

	public String getText() {
		return this.text;
	}

}
