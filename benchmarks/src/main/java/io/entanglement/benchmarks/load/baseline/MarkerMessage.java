package io.entanglement.benchmarks.load.baseline;

/**
 * The JSON the baseline sends for one change of a marker.
 *
 * @param id the marker's id
 * @param version its version
 * @param title its title
 * @param lat its latitude
 * @param lng its longitude
 * @param color its colour
 * @param sentAt its commit time in microseconds since the epoch
 * @author Entanglement
 */
public record MarkerMessage(String id, long version, String title, double lat, double lng, String color, long sentAt) {

	static MarkerMessage of(Marker marker) {
		return new MarkerMessage(Long.toString(marker.getId()), marker.getVersion(), marker.getTitle(), marker.getLat(),
				marker.getLng(), marker.getColor(), marker.getSentAt());
	}

}
