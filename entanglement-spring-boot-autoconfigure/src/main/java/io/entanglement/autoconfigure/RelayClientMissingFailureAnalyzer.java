package io.entanglement.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains that the broker relay needs Reactor Netty on the class path.
 *
 * @author Entanglement
 */
class RelayClientMissingFailureAnalyzer extends AbstractFailureAnalyzer<RelayClientMissingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RelayClientMissingException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Add org.springframework.boot:spring-boot-starter-reactor-netty to the application's dependencies, "
						+ "or set 'entanglement.relay.enabled' to false to use Spring's simple broker on one instance.",
				cause);
	}

}
