package io.entanglement.jpa;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/**
 * An entity that can not be synchronized: it has no {@code @Version}.
 *
 * @author Entanglement
 */
@Entity
public class UnversionedThing {

	@Id
	private String id = "";

	public String getId() {
		return this.id;
	}

}
