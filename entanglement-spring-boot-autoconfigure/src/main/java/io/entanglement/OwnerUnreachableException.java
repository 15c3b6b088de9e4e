package io.entanglement;

/**
 * The object's owner has no connected session to decide the proposal.
 *
 * @author Entanglement
 */
public class OwnerUnreachableException extends SyncException {

	/**
	 * Create a new exception.
	 * @param message a message for the client
	 */
	public OwnerUnreachableException(String message) {
		super("owner-unreachable", message);
	}

}
