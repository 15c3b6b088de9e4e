package io.entanglement;

/**
 * The server could not serve a request for now, such as loading a subscription's objects;
 * the client may try again later.
 *
 * @author Entanglement
 */
public class UnavailableException extends SyncException {

	/**
	 * Create a new exception.
	 * @param message a message for the client
	 */
	public UnavailableException(String message) {
		super("unavailable", message);
	}

}
