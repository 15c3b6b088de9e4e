package io.entanglement.relay;

/**
 * Scale-out on an embedded ActiveMQ Artemis broker: runs wherever a JDK does.
 */
class ArtemisRelayIntegrationTests extends AbstractRelayIntegrationTests {

	@Override
	RelayBroker broker() {
		return new ArtemisRelayBroker();
	}

}
