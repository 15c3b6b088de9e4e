package io.entanglement.stomp;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.entanglement.testapp.StompTestClient;
import io.entanglement.testapp.TestApplication;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A browser session authenticated by a cookie must prove with the CSRF token on CONNECT
 * that it is the application's own page; a handshake with an Authorization header needs
 * none. Shares the H2 integration test context.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = { "entanglement.node-id=test-node",
		"spring.datasource.url=jdbc:h2:mem:entanglement-it;DB_CLOSE_DELAY=-1" })
class H2StompCsrfIntegrationTests {

	private static final Duration REFUSED = Duration.ofSeconds(3);

	private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

	@LocalServerPort
	int port;

	@Test
	void cookieSessionConnectsWithTheTokenFromTheCsrfEndpointAndNotWithout() throws Exception {
		HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
		String cookie = formLogin(http, "alice");
		HttpResponse<String> tokenResponse = http.send(
				HttpRequest.newBuilder(uri("/entanglement/csrf")).header("Cookie", cookie).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(tokenResponse.statusCode()).isEqualTo(200);
		JsonNode csrf = JsonMapper.builder().build().readTree(tokenResponse.body());
		String headerName = csrf.get("headerName").asString();
		String token = csrf.get("token").asString();
		assertThat(headerName).isNotBlank();
		assertThat(token).isNotBlank();

		try (StompTestClient alice = StompTestClient.connectWithCookie(this.port, cookie, Map.of(headerName, token),
				Duration.ofSeconds(10))) {
			alice.subscribe("marker");
			assertThat(alice.untilSynced()).isNotEmpty();
		}
		// The server answers a CONNECT without a valid token with an ERROR frame: the
		// session is never CONNECTED, so it can neither subscribe nor send.
		assertThatException().isThrownBy(() -> StompTestClient.connectWithCookie(this.port, cookie, Map.of(), REFUSED))
			.isInstanceOfAny(ExecutionException.class, TimeoutException.class);
		assertThatException()
			.isThrownBy(
					() -> StompTestClient.connectWithCookie(this.port, cookie, Map.of(headerName, "forged"), REFUSED))
			.isInstanceOfAny(ExecutionException.class, TimeoutException.class);
	}

	@Test
	void aHandshakeWithItsOwnCredentialsGetsNoHttpSessionForACsrfTokenItDoesNotNeed(
			@Autowired org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext context)
			throws Exception {
		org.apache.catalina.Manager sessions = ((org.apache.catalina.Context) ((org.springframework.boot.tomcat.TomcatWebServer) context
			.getWebServer()).getTomcat().getHost().findChildren()[0]).getManager();
		long created = sessions.getSessionCounter();
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker");
			assertThat(alice.untilSynced()).isNotEmpty();
		}
		assertThat(sessions.getSessionCounter()).as("HTTP sessions created").isEqualTo(created);
	}

	@Test
	void handshakeFromAnotherOriginIsRefusedAndFromTheSameOriginAccepted() throws Exception {
		assertThatException().isThrownBy(() -> openWebSocket("http://evil.example"))
			.withCauseInstanceOf(java.net.http.WebSocketHandshakeException.class)
			.satisfies((ex) -> assertThat(
					((java.net.http.WebSocketHandshakeException) ex.getCause()).getResponse().statusCode())
				.isEqualTo(403));
		java.net.http.WebSocket same = openWebSocket("http://localhost:" + this.port);
		same.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "").get(10, java.util.concurrent.TimeUnit.SECONDS);
	}

	private java.net.http.WebSocket openWebSocket(String origin) throws Exception {
		return HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.header("Authorization", StompTestClient.basicAuthorization("alice"))
			.header("Origin", origin)
			.buildAsync(URI.create("ws://localhost:" + this.port + "/entanglement"),
					new java.net.http.WebSocket.Listener() {
					})
			.get(10, java.util.concurrent.TimeUnit.SECONDS);
	}

	@Test
	void csrfEndpointNeedsAnAuthenticatedSession() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(uri("/entanglement/csrf")).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isIn(302, 401);
		assertThat(response.body()).doesNotContain("token");
	}

	private String formLogin(HttpClient http, String user) throws Exception {
		HttpResponse<String> page = http.send(HttpRequest.newBuilder(uri("/login")).build(),
				HttpResponse.BodyHandlers.ofString());
		Matcher matcher = CSRF_INPUT.matcher(page.body());
		assertThat(matcher.find()).as("login form has a CSRF field").isTrue();
		String form = "username=" + user + "&password=password&_csrf="
				+ URLEncoder.encode(matcher.group(1), StandardCharsets.UTF_8);
		http.send(HttpRequest.newBuilder(uri("/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build(), HttpResponse.BodyHandlers.ofString());
		String session = ((CookieManager) http.cookieHandler().orElseThrow()).getCookieStore()
			.getCookies()
			.stream()
			.filter((cookie) -> cookie.getName().equals("JSESSIONID"))
			.findFirst()
			.orElseThrow()
			.getValue();
		return "JSESSIONID=" + session;
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

}
