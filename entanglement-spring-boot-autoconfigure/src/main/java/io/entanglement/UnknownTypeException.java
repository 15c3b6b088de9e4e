package io.entanglement;

/**
 * A request named a type that no store synchronizes.
 *
 * @author Entanglement
 */
public class UnknownTypeException extends SyncException {

	/**
	 * Create a new exception.
	 * @param type the type that was asked for
	 */
	public UnknownTypeException(String type) {
		super("unknown-type", "No synchronized type named '" + type + "'");
	}

}
