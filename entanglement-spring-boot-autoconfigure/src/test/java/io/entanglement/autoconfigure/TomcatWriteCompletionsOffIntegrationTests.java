package io.entanglement.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Switched off, the connector keeps Tomcat's own executor, which is given a task for
 * every write.
 */
@TestPropertySource(properties = "entanglement.stomp.inline-write-completions=false")
class TomcatWriteCompletionsOffIntegrationTests extends AbstractTomcatWriteCompletionsIntegrationTests {

	@Test
	void everyWriteGivesTomcatsExecutorATask() throws Exception {
		assertThat(executor()).isNotInstanceOf(TomcatWriteCompletions.CompletionExecutor.class);
		assertThat(executorTasksWhileWriting()).isGreaterThanOrEqualTo(WRITES);
	}

	@Test
	void tomcatReportsTheConfiguredMaximumOfItsOwnExecutor() {
		assertThat(protocol().getMaxThreads()).isEqualTo(37);
	}

}
