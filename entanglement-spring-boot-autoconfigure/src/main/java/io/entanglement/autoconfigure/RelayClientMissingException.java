package io.entanglement.autoconfigure;

/**
 * Thrown when {@code entanglement.relay.enabled} is set and the TCP client the broker
 * relay needs (Reactor Netty) is not on the class path.
 *
 * @author Entanglement
 */
class RelayClientMissingException extends IllegalStateException {

	RelayClientMissingException() {
		super("'entanglement.relay.enabled' is true, but the broker relay's TCP client, Reactor Netty, "
				+ "is not on the class path");
	}

}
