package io.entanglement.relay;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * An embedded ActiveMQ Artemis broker with a STOMP acceptor: {@code /queue/} names are
 * anycast addresses, {@code /topic/} names multicast ones, as Spring's relay expects.
 */
final class ArtemisRelayBroker implements RelayBroker {

	private final int port = freePort();

	private final Path directory;

	private EmbeddedActiveMQ server;

	ArtemisRelayBroker() {
		try {
			this.directory = Files.createTempDirectory("entanglement-artemis");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public synchronized void start() throws Exception {
		Configuration configuration = new ConfigurationImpl();
		configuration.setPersistenceEnabled(false);
		configuration.setSecurityEnabled(false);
		configuration.setJMXManagementEnabled(false);
		configuration.setBrokerInstance(this.directory.toFile());
		// tag::acceptor[]
		configuration.addAcceptorConfiguration("stomp",
				"tcp://127.0.0.1:" + this.port + "?protocols=STOMP;anycastPrefix=/queue/;multicastPrefix=/topic/");
		// end::acceptor[]
		EmbeddedActiveMQ server = new EmbeddedActiveMQ();
		server.setConfiguration(configuration);
		server.start();
		this.server = server;
	}

	@Override
	public synchronized void stop() throws Exception {
		if (this.server != null) {
			this.server.stop();
			this.server = null;
		}
	}

	@Override
	public void restart() throws Exception {
		stop();
		start();
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public String login() {
		return "guest";
	}

	@Override
	public String passcode() {
		return "guest";
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
