package io.entanglement;

/**
 * A request that Entanglement refuses, with the code sent to the client in the rejection.
 *
 * @author Entanglement
 */
public class SyncException extends RuntimeException {

	private final String code;

	/**
	 * Create a new exception.
	 * @param code the wire code, such as {@code invalid}
	 * @param message a message for the client
	 */
	public SyncException(String code, String message) {
		super(message);
		this.code = code;
	}

	/**
	 * The code sent to the client.
	 * @return the code
	 */
	public String getCode() {
		return this.code;
	}

}
