package io.entanglement.autoconfigure;

import java.util.function.LongSupplier;

import io.entanglement.testapp.Marker;
import io.entanglement.testapp.MarkerRepository;
import io.entanglement.testapp.StompTestClient;
import io.entanglement.testapp.TestApplication;
import org.apache.coyote.AbstractProtocol;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tomcat's request executor under the STOMP writes of a running server: batches written
 * one at a time to an idle client, each taken by the socket at once.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"entanglement.node-id=test-node", "server.tomcat.threads.max=37", "server.tomcat.threads.min-spare=3" })
abstract class AbstractTomcatWriteCompletionsIntegrationTests {

	static final int WRITES = 40;

	@LocalServerPort
	int port;

	@Autowired
	WebServerApplicationContext context;

	@Autowired
	MarkerRepository markers;

	AbstractProtocol<?> protocol() {
		return (AbstractProtocol<?>) ((TomcatWebServer) this.context.getWebServer()).getTomcat()
			.getConnector()
			.getProtocolHandler();
	}

	ThreadPoolExecutor executor() {
		return (ThreadPoolExecutor) protocol().getExecutor();
	}

	/**
	 * Writes {@value #WRITES} batches of one change each, one after the other, to a
	 * client and gives the tasks the connector's executor was given since the first.
	 * Tomcat hands a write's completion to its executor after the socket took the bytes,
	 * so the client may read the last batch before that task is counted: the count is
	 * read when it is asked for, not when the client has read.
	 */
	LongSupplier executorTasksWhileWriting() throws Exception {
		Marker marker = this.markers.save(new Marker("m", 0, 0));
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker");
			alice.untilSynced();
			long before = executor().getTaskCount();
			for (int i = 1; i <= WRITES; i++) {
				marker.setLat(i);
				marker = this.markers.save(marker);
				double lat = i;
				alice.until((batch) -> batch.changes()
					.stream()
					.anyMatch((change) -> change.get("state").get("lat").asDouble() == lat));
			}
			return () -> executor().getTaskCount() - before;
		}
	}

	@Test
	void theConnectorsExecutorHasTomcatsThreadSettingsAndNames() throws Exception {
		ThreadPoolExecutor executor = executor();
		assertThat(executor.getMaximumPoolSize()).isEqualTo(37);
		assertThat(executor.getCorePoolSize()).isEqualTo(3);
		// Tomcat names its executor's threads after the connector, as in
		// http-nio-8080-exec-1, or http-nio-auto-1-exec-1 when the port is chosen
		// at start.
		assertThat(executor.submit(() -> Thread.currentThread().getName()).get()).matches("http-nio-[\\w-]+-exec-\\d+");
	}

}
