package io.entanglement.benchmarks.load.baseline;

import io.entanglement.benchmarks.load.MarkerFields;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityListeners;
import jakarta.persistence.Table;

/**
 * The baseline's marker of one group (P6): the same attributes as the Entanglement one,
 * sent to the group's topic by an entity listener.
 *
 * @author Entanglement
 */
@Entity
@Table(name = "group_marker")
@EntityListeners(GroupMarkerBroadcaster.class)
public class GroupMarker extends MarkerFields {

	private int groupId;

	private String label = "CONFIDENTIAL";

	protected GroupMarker() {
	}

	GroupMarker(long id, int groups) {
		super(id);
		this.groupId = (int) (id % groups);
	}

	public int getGroupId() {
		return this.groupId;
	}

	public String getLabel() {
		return this.label;
	}

}
