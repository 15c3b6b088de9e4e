package io.entanglement.benchmarks.load.baseline;

import io.entanglement.benchmarks.load.MarkerFields;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityListeners;
import jakarta.persistence.Table;

/**
 * The marker as the baseline stores it: the same attributes, with an entity listener that
 * sends every change.
 *
 * @author Entanglement
 */
@Entity
@Table(name = "marker")
@EntityListeners(MarkerBroadcaster.class)
public class Marker extends MarkerFields {

	protected Marker() {
	}

	Marker(long id) {
		super(id);
	}

}
