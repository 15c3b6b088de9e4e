package io.entanglement.relay;

import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The RabbitMQ server of this machine, with its STOMP plugin on 127.0.0.1:61613
 * (guest/guest). A restart switches the STOMP plugin off and on again, which drops every
 * STOMP connection and leaves AMQP clients alone.
 */
final class RabbitRelayBroker implements RelayBroker {

	@Override
	public void start() {
		awaitPort(true);
	}

	@Override
	public void stop() {
	}

	@Override
	public void restart() throws Exception {
		plugins("disable");
		awaitPort(false);
		plugins("enable");
		awaitPort(true);
	}

	private static void plugins(String action) throws Exception {
		Process process = new ProcessBuilder("rabbitmq-plugins", action, "rabbitmq_stomp").inheritIO().start();
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException("rabbitmq-plugins " + action + " rabbitmq_stomp failed");
		}
	}

	private void awaitPort(boolean open) {
		await().atMost(Duration.ofSeconds(60)).until(() -> isOpen() == open);
	}

	private boolean isOpen() {
		try (Socket socket = new Socket("127.0.0.1", port())) {
			return true;
		}
		catch (java.io.IOException ex) {
			return false;
		}
	}

	@Override
	public int port() {
		return 61613;
	}

	@Override
	public String login() {
		return "guest";
	}

	@Override
	public String passcode() {
		return "guest";
	}

	@Override
	public String profiles() {
		return "relay,relay-rabbitmq";
	}

}
