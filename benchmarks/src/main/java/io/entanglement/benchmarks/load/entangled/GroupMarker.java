package io.entanglement.benchmarks.load.entangled;

import io.entanglement.SecurityLabel;
import io.entanglement.benchmarks.load.MarkerFields;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/**
 * A marker that one group of users may see (P6): the starter's access control lists grant
 * {@code READ} on it to the group's authority, and its mandatory access label must be
 * dominated by the viewer's clearance.
 *
 * @author Entanglement
 */
@Entity
@Table(name = "group_marker")
public class GroupMarker extends MarkerFields {

	/** The label every group marker carries; {@code ROLE_USER} is cleared for it. */
	public static final String LABEL = "CONFIDENTIAL";

	private int groupId;

	@SecurityLabel
	private String label = LABEL;

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
