package io.entanglement.stomp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.entanglement.testapp.StompTestClient;
import io.entanglement.testapp.TestApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A single-page application often answers every other path with its page, through a
 * controller mapped to {@code /**}. The endpoint is still the endpoint: its handshake
 * reaches the STOMP handler, and the other paths still reach the controller.
 */
@SpringBootTest(classes = { TestApplication.class, H2CatchAllControllerIntegrationTests.PageFallback.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = { "entanglement.node-id=test-node",
		"spring.datasource.url=jdbc:h2:mem:entanglement-catch-all;DB_CLOSE_DELAY=-1" })
class H2CatchAllControllerIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void theHandshakeReachesTheEndpointWhileAControllerAnswersEveryOtherPath() throws Exception {
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker");
			assertThat(alice.untilSynced()).isNotEmpty();
		}
		HttpResponse<String> page = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/meetups/42"))
				.header("Authorization", StompTestClient.basicAuthorization("alice"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).isEqualTo(PageFallback.PAGE);
	}

	@RestController
	static class PageFallback {

		static final String PAGE = "<!doctype html><title>The application's page</title>";

		@GetMapping("/**")
		String page() {
			return PAGE;
		}

	}

}
