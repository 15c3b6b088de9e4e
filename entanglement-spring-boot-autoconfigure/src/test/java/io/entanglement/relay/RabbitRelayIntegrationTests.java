package io.entanglement.relay;

/**
 * Scale-out on RabbitMQ with its STOMP plugin: run by the {@code rabbitmq} build profile
 * ({@code ENTANGLEMENT_TEST_RABBITMQ=1}), which {@code .ci/run} switches on after making
 * sure the plugin is enabled.
 */
class RabbitRelayIntegrationTests extends AbstractRelayIntegrationTests {

	@Override
	RelayBroker broker() {
		return new RabbitRelayBroker();
	}

}
