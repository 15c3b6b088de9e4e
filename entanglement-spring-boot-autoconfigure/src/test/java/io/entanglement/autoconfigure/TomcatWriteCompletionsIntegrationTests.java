package io.entanglement.autoconfigure;

import java.time.Duration;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * By default the completion of a write the socket took at once runs on the writing
 * thread: the connector's executor is not given a task per write.
 */
class TomcatWriteCompletionsIntegrationTests extends AbstractTomcatWriteCompletionsIntegrationTests {

	@Test
	void writesTheSocketTookAtOnceGiveTheExecutorNoTask() throws Exception {
		assertThat(executor()).isInstanceOf(TomcatWriteCompletions.CompletionExecutor.class);
		LongSupplier tasks = executorTasksWhileWriting();
		// Held for a while after the last write, so that a completion handed over late
		// would be counted.
		await().during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(tasks.getAsLong()).isLessThan(WRITES / 4));
	}

	@Test
	void tomcatReportsNoConfiguredMaximumForAnExecutorSetOnTheConnector() {
		// As documented for entanglement.stomp.inline-write-completions: what JMX,
		// and the tomcat.threads.config.max metric, read.
		assertThat(protocol().getMaxThreads()).isEqualTo(-1);
	}

}
