package com.example.meetup.location;

/**
 * A point on the map. Distances use a flat-earth approximation, good enough across a
 * city.
 *
 * @param lat latitude in degrees
 * @param lng longitude in degrees
 * @author Entanglement
 */
public record Position(double lat, double lng) {

	private static final double METERS_PER_DEGREE = 111_320;

	/**
	 * The position {@code meters} away in the direction {@code bearing}.
	 * @param meters the distance
	 * @param bearing degrees clockwise from north
	 * @return the new position
	 */
	public Position offset(double meters, double bearing) {
		double radians = Math.toRadians(bearing);
		double north = meters * Math.cos(radians);
		double east = meters * Math.sin(radians);
		return new Position(this.lat + north / METERS_PER_DEGREE,
				this.lng + east / (METERS_PER_DEGREE * Math.cos(Math.toRadians(this.lat))));
	}

	/**
	 * The distance to another position.
	 * @param other the other position
	 * @return the distance in meters
	 */
	public double distanceTo(Position other) {
		return Math.hypot(northTo(other), eastTo(other));
	}

	/**
	 * The direction to another position.
	 * @param other the other position
	 * @return degrees clockwise from north, in [0, 360)
	 */
	public double bearingTo(Position other) {
		double degrees = Math.toDegrees(Math.atan2(eastTo(other), northTo(other)));
		return (degrees + 360) % 360;
	}

	private double northTo(Position other) {
		return (other.lat - this.lat) * METERS_PER_DEGREE;
	}

	private double eastTo(Position other) {
		return (other.lng - this.lng) * METERS_PER_DEGREE * Math.cos(Math.toRadians(this.lat));
	}

}
