package io.entanglement.benchmarks.load.baseline;

/**
 * The JSON the baseline sends for one change of a group marker.
 *
 * @param id the marker's id
 * @param version its version
 * @param title its title
 * @param lat its latitude
 * @param lng its longitude
 * @param color its colour
 * @param sentAt its commit time in microseconds since the epoch
 * @param groupId the group that may see it
 * @param label its label
 * @author Entanglement
 */
public record GroupMarkerMessage(String id, long version, String title, double lat, double lng, String color,
		long sentAt, int groupId, String label) {

	static GroupMarkerMessage of(GroupMarker marker) {
		return new GroupMarkerMessage(Long.toString(marker.getId()), marker.getVersion(), marker.getTitle(),
				marker.getLat(), marker.getLng(), marker.getColor(), marker.getSentAt(), marker.getGroupId(),
				marker.getLabel());
	}

}
