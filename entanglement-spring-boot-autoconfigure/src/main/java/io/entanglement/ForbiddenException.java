package io.entanglement;

/**
 * The proposer may not make this change.
 *
 * @author Entanglement
 */
public class ForbiddenException extends SyncException {

	/**
	 * Create a new exception.
	 * @param message a message for the client
	 */
	public ForbiddenException(String message) {
		super("forbidden", message);
	}

}
