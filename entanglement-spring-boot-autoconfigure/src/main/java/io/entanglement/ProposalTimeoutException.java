package io.entanglement;

/**
 * The owner did not answer within entanglement.proposals.timeout.
 *
 * @author Entanglement
 */
public class ProposalTimeoutException extends SyncException {

	/**
	 * Create a new exception.
	 * @param message a message for the client
	 */
	public ProposalTimeoutException(String message) {
		super("timeout", message);
	}

}
