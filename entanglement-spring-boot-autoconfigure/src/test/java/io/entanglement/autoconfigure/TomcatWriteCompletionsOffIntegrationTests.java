package io.entanglement.autoconfigure;

import java.time.Duration;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Switched off, the connector keeps Tomcat's own executor, which is given a task for
 * every write.
 */
@TestPropertySource(properties = "entanglement.stomp.inline-write-completions=false")
class TomcatWriteCompletionsOffIntegrationTests extends AbstractTomcatWriteCompletionsIntegrationTests {

	@Test
	void everyWriteGivesTomcatsExecutorATask() throws Exception {
		assertThat(executor()).isNotInstanceOf(TomcatWriteCompletions.CompletionExecutor.class);
		LongSupplier tasks = executorTasksWhileWriting();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(tasks.getAsLong()).isGreaterThanOrEqualTo(WRITES));
	}

	@Test
	void tomcatReportsTheConfiguredMaximumOfItsOwnExecutor() {
		assertThat(protocol().getMaxThreads()).isEqualTo(37);
	}

}
