package io.entanglement.stomp;

import org.springframework.test.context.TestPropertySource;

/**
 * Access control lists on H2. Shares the H2 integration test context.
 */
@TestPropertySource(properties = { "entanglement.node-id=test-node",
		"spring.datasource.url=jdbc:h2:mem:entanglement-it;DB_CLOSE_DELAY=-1" })
class H2AclIntegrationTests extends AbstractAclIntegrationTests {

}
