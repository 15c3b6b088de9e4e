package io.entanglement.engine;

/**
 * The change log cannot be read, typically because its tables do not exist.
 *
 * @author Entanglement
 */
public class ChangeLogUnavailableException extends IllegalStateException {

	/**
	 * Create a new exception.
	 * @param cause what the change log reported
	 */
	public ChangeLogUnavailableException(Throwable cause) {
		super("Entanglement's change log could not be read: " + cause.getMessage(), cause);
	}

}
