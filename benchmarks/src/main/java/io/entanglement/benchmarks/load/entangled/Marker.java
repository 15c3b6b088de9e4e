package io.entanglement.benchmarks.load.entangled;

import io.entanglement.benchmarks.load.MarkerFields;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/**
 * The marker as the Entanglement server stores it; the starter synchronizes it.
 *
 * @author Entanglement
 */
@Entity
@Table(name = "marker")
public class Marker extends MarkerFields {

	protected Marker() {
	}

	Marker(long id) {
		super(id);
	}

}
