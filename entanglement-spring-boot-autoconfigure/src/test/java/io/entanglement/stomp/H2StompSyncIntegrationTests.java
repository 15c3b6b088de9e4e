package io.entanglement.stomp;

import org.springframework.test.context.TestPropertySource;

/**
 * The sync loop on H2, the zero-setup default.
 */
@TestPropertySource(properties = { "entanglement.node-id=test-node",
		"spring.datasource.url=jdbc:h2:mem:entanglement-it;DB_CLOSE_DELAY=-1" })
class H2StompSyncIntegrationTests extends AbstractStompSyncIntegrationTests {

}
