package com.example.meetup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the end-to-end tests of {@code src/test/js} (Node's test runner, Playwright on
 * headless Chromium) against this running app: several people, each signed in with the
 * form in a browser of their own, use the page the way people do. Needs {@code node},
 * {@code npm} and Chromium, so it runs in the {@code browser-tests} Maven profile; the
 * screenshots land in {@code target/screenshots}.
 *
 * @author Entanglement
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class MeetupBrowserIntegrationTests {

	private static final Log logger = LogFactory.getLog(MeetupBrowserIntegrationTests.class);

	private static final Path TESTS = Path.of("src/test/js");

	@LocalServerPort
	private int port;

	@BeforeAll
	static void installTestDependencies() {
		int exit = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), Duration.ofMinutes(5));
		assertThat(exit).as("exit code of npm ci").isZero();
	}

	@Test
	void peopleMeetUpInTheirBrowsers() {
		List<String> command = List.of("node", "--test", "--test-reporter=spec", "meetup.test.mjs");
		int exit = run(command, Map.of("MEETUP_URL", "http://localhost:" + this.port), Duration.ofMinutes(5));
		assertThat(exit).as("exit code of node --test meetup.test.mjs").isZero();
	}

	private static int run(List<String> command, Map<String, String> environment, Duration timeout) {
		logger.info("Running " + String.join(" ", command) + " in " + TESTS);
		ProcessBuilder builder = new ProcessBuilder(command).directory(TESTS.toFile()).redirectErrorStream(true);
		builder.environment().putAll(environment);
		try {
			Process process = builder.start();
			Thread output = new Thread(() -> log(process), "browser-test-output");
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

}
