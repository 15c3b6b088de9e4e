package io.entanglement.stomp;

import io.entanglement.testapp.EmbeddedPostgres;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Proposals on real PostgreSQL: embedded binaries by default, or the server of the
 * {@code external-postgres} build profile.
 */
@TestPropertySource(properties = "entanglement.node-id=test-node")
class PostgresStompProposalIntegrationTests extends AbstractStompProposalIntegrationTests {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", EmbeddedPostgres::url);
		registry.add("spring.datasource.username", EmbeddedPostgres::username);
		registry.add("spring.datasource.password", () -> "");
	}

}
