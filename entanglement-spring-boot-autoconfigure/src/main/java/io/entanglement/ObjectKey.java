package io.entanglement;

/**
 * Identifies one synchronized object: its type name and its id as a string.
 *
 * @param type the type name
 * @param id the object id, as sent on the wire
 * @author Entanglement
 */
public record ObjectKey(String type, String id) {

	@Override
	public String toString() {
		return this.type + "/" + this.id;
	}

}
