package io.entanglement.relay;

/**
 * The external STOMP broker the instances of a relay test share.
 */
interface RelayBroker {

	void start() throws Exception;

	void stop() throws Exception;

	/**
	 * Stop the broker's STOMP service and start it again: every connection to it is lost,
	 * and what was published meanwhile is gone.
	 */
	void restart() throws Exception;

	int port();

	String login();

	String passcode();

	/**
	 * The profiles of the instances: {@code relay} and the broker's own, if any.
	 */
	default String profiles() {
		return "relay";
	}

}
