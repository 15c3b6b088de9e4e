package io.entanglement.stomp;

import org.springframework.test.context.TestPropertySource;

/**
 * Proposals on H2, in the same application context as the other H2 integration tests.
 */
@TestPropertySource(properties = { "entanglement.node-id=test-node",
		"spring.datasource.url=jdbc:h2:mem:entanglement-it;DB_CLOSE_DELAY=-1" })
class H2StompProposalIntegrationTests extends AbstractStompProposalIntegrationTests {

}
