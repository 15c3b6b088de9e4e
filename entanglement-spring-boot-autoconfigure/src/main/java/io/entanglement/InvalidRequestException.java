package io.entanglement;

/**
 * A request that is malformed: a bad header value, body or attribute.
 *
 * @author Entanglement
 */
public class InvalidRequestException extends SyncException {

	/**
	 * Create a new exception.
	 * @param message what is wrong, for the client
	 */
	public InvalidRequestException(String message) {
		super("invalid", message);
	}

}
