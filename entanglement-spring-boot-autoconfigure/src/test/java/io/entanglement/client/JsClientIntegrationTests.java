package io.entanglement.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.entanglement.testapp.Marker;
import io.entanglement.testapp.MarkerRepository;
import io.entanglement.testapp.TestApplication;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the JavaScript client's tests ({@code src/test/js}, Node's test runner, one test
 * per file) against this running server: in Node over the {@code ws} package, and in
 * headless Chromium logged in with a form. The client is loaded the way users load it,
 * from {@code /entanglement/entanglement.js}. Needs {@code node} and {@code npm} (and
 * Chromium for the browser test), so it runs in the {@code js-client} Maven profile.
 */
@SpringBootTest(classes = { TestApplication.class, JsClientIntegrationTests.TestData.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
class JsClientIntegrationTests {

	private static final Log logger = LogFactory.getLog(JsClientIntegrationTests.class);

	private static final Path TESTS = Path.of("src/test/js");

	@LocalServerPort
	int port;

	@BeforeAll
	static void installTestDependencies() {
		int exit = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), Duration.ofMinutes(5));
		assertThat(exit).as("exit code of npm ci").isZero();
	}

	@TestFactory
	Stream<DynamicTest> clientTestsPassAgainstThisServer() throws IOException {
		List<Path> files;
		try (Stream<Path> listing = Files.list(TESTS)) {
			files = listing.filter((file) -> file.getFileName().toString().endsWith(".test.mjs")).sorted().toList();
		}
		assertThat(files).as("test files in " + TESTS).isNotEmpty();
		Map<String, String> environment = Map.of("ENTANGLEMENT_TEST_URL", "http://localhost:" + this.port);
		return files.stream().map((file) -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
			List<String> command = List.of("node", "--test", "--test-reporter=spec", file.getFileName().toString());
			assertThat(run(command, environment, Duration.ofMinutes(5))).as("exit code of node --test " + file)
				.isZero();
		}));
	}

	private static int run(List<String> command, Map<String, String> environment, Duration timeout) {
		logger.info("Running " + String.join(" ", command) + " in " + TESTS);
		ProcessBuilder builder = new ProcessBuilder(command).directory(TESTS.toFile()).redirectErrorStream(true);
		builder.environment().putAll(environment);
		try {
			Process process = builder.start();
			Thread output = new Thread(() -> log(process), "js-client-output");
			output.start();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
				logger.error(String.join(" ", command) + " did not finish within " + timeout);
			}
			output.join(TimeUnit.SECONDS.toMillis(10));
			return process.waitFor();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to run " + command + " (are node and npm installed?)", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void log(Process process) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				logger.info("[node] " + line);
			}
		}
		catch (IOException ex) {
			logger.warn("Failed to read the output of a test process", ex);
		}
	}

	/**
	 * Lets the JavaScript tests commit changes through the repository, as server code
	 * does: {@code POST /test-data/markers}, {@code PUT} and {@code DELETE}
	 * {@code /test-data/markers/{id}}, HTTP Basic. Also serves the browser test's page,
	 * {@code GET /test-data/browser-page.html}, from the application's origin.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class TestData {

		@Bean
		@Order(0)
		SecurityFilterChain testDataSecurity(HttpSecurity http) throws Exception {
			// Called by test scripts, not by pages: no session, so no CSRF token.
			http.securityMatcher("/test-data/**")
				.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.csrf((csrf) -> csrf.disable());
			return http.build();
		}

		@Bean
		RouterFunction<ServerResponse> testDataRoutes(MarkerRepository markers) {
			return RouterFunctions.route().POST("/test-data/markers", (request) -> {
				Map<?, ?> body = request.body(Map.class);
				Marker marker = new Marker(String.valueOf(body.get("name")), number(body, "lat"), number(body, "lng"));
				if (body.get("owner") instanceof String owner) {
					marker.setOwner(owner);
				}
				return saved(markers.save(marker));
			}).PUT("/test-data/markers/{id}", (request) -> {
				Map<?, ?> body = request.body(Map.class);
				Marker marker = markers.findById(id(request)).orElseThrow();
				if (body.containsKey("name")) {
					marker.setName(String.valueOf(body.get("name")));
				}
				if (body.containsKey("lat")) {
					marker.setLat(number(body, "lat"));
				}
				if (body.containsKey("lng")) {
					marker.setLng(number(body, "lng"));
				}
				return saved(markers.save(marker));
			}).DELETE("/test-data/markers/{id}", (request) -> {
				markers.deleteById(id(request));
				return ServerResponse.noContent().build();
			})
				.GET("/test-data/browser-page.html",
						(request) -> ServerResponse.ok()
							.contentType(MediaType.TEXT_HTML)
							.body(Files.readString(TESTS.resolve("browser-page.html"))))
				.build();
		}

		private static long id(ServerRequest request) {
			return Long.parseLong(request.pathVariable("id"));
		}

		private static double number(Map<?, ?> body, String name) {
			return (body.get(name) instanceof Number number) ? number.doubleValue() : 0;
		}

		private static ServerResponse saved(Marker marker) {
			return ServerResponse.ok()
				.body(Map.of("id", String.valueOf(marker.getId()), "version", marker.getVersion()));
		}

	}

}
