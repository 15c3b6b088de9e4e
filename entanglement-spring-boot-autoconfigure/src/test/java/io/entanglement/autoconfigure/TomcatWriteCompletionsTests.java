package io.entanglement.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connector's executor over its lifecycle, on a Tomcat of its own.
 */
class TomcatWriteCompletionsTests {

	@TempDir
	Path baseDir;

	private final Tomcat tomcat = new Tomcat();

	private Connector connector;

	@BeforeEach
	void connector() throws Exception {
		this.tomcat.setBaseDir(Files.createDirectories(this.baseDir.resolve("tomcat")).toString());
		this.tomcat.setPort(0);
		this.connector = this.tomcat.getConnector();
		this.connector.setProperty("maxThreads", "11");
		this.connector.setProperty("minSpareThreads", "2");
		new TomcatWriteCompletions().customize(this.connector);
	}

	@AfterEach
	void destroy() throws Exception {
		this.tomcat.stop();
		this.tomcat.destroy();
	}

	private Executor executor() {
		return this.connector.getProtocolHandler().getExecutor();
	}

	@Test
	void theExecutorIsShutDownWithItsConnectorAndReplacedWhenItStartsAgain() throws Exception {
		this.tomcat.start();
		TomcatWriteCompletions.CompletionExecutor first = (TomcatWriteCompletions.CompletionExecutor) executor();
		assertThat(first.getMaximumPoolSize()).isEqualTo(11);
		assertThat(first.getCorePoolSize()).isEqualTo(2);

		this.connector.stop();
		assertThat(first.isShutdown()).isTrue();

		this.connector.start();
		TomcatWriteCompletions.CompletionExecutor second = (TomcatWriteCompletions.CompletionExecutor) executor();
		assertThat(second).isNotSameAs(first);
		assertThat(second.isShutdown()).isFalse();
		assertThat(second.getMaximumPoolSize()).isEqualTo(11);
		assertThat(second.getCorePoolSize()).isEqualTo(2);
	}

	@Test
	void idleThreadsAreKeptAsLongAsTheConnectorSaysOrAsTomcatWouldByDefault() throws Exception {
		this.connector.setProperty("threadsMaxIdleTime", "7000");
		this.tomcat.start();
		assertThat(((TomcatWriteCompletions.CompletionExecutor) executor()).getKeepAliveTime(TimeUnit.MILLISECONDS))
			.isEqualTo(7000);
		this.connector.stop();

		this.connector.setProperty("threadsMaxIdleTime", "soon");
		this.connector.start();
		assertThat(((TomcatWriteCompletions.CompletionExecutor) executor()).getKeepAliveTime(TimeUnit.MILLISECONDS))
			.isEqualTo(60_000);
	}

	@Test
	void aConnectorWithAnExecutorOfItsOwnKeepsIt() throws Exception {
		ExecutorService own = Executors.newFixedThreadPool(2);
		try {
			this.connector.getProtocolHandler().setExecutor(own);
			this.tomcat.start();
			assertThat(executor()).isSameAs(own);
			this.connector.stop();
			assertThat(own.isShutdown()).isFalse();
		}
		finally {
			own.shutdownNow();
		}
	}

}
