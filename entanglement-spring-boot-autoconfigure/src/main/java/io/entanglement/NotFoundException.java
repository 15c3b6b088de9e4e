package io.entanglement;

/**
 * The object does not exist, or the proposer may not see it.
 *
 * @author Entanglement
 */
public class NotFoundException extends SyncException {

	/**
	 * Create a new exception.
	 * @param message a message for the client
	 */
	public NotFoundException(String message) {
		super("not-found", message);
	}

}
