package io.entanglement.stomp;

import io.entanglement.testapp.EmbeddedPostgres;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Access control lists on real PostgreSQL: embedded binaries by default, or the server
 * named by {@code ENTANGLEMENT_TEST_POSTGRES_URL}.
 */
@TestPropertySource(properties = "entanglement.node-id=test-node")
class PostgresAclIntegrationTests extends AbstractAclIntegrationTests {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", EmbeddedPostgres::url);
		registry.add("spring.datasource.username", EmbeddedPostgres::username);
		registry.add("spring.datasource.password", () -> "");
	}

}
