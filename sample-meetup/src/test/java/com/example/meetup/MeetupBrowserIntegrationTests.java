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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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

	private static final Pattern ANSI_ESCAPE = Pattern.compile("\\x1B\\[[0-9;]*m");

	@LocalServerPort
	private int port;

	@BeforeAll
	static void installTestDependencies() {
		Run npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), Duration.ofMinutes(5));
		assertThat(npm.exit()).as(() -> "exit code of npm ci, which printed:%n%s".formatted(npm.output(0))).isZero();
	}

	@Test
	void peopleMeetUpInTheirBrowsers() {
		List<String> command = List.of("node", "--test", "--test-reporter=spec", "meetup.test.mjs");
		Run node = run(command, Map.of("MEETUP_URL", "http://localhost:" + this.port), Duration.ofMinutes(5));
		// Node's spec reporter repeats each failure and its cause under "failing tests:".
		assertThat(node.exit())
			.as(() -> "exit code of node --test meetup.test.mjs, which reported:%n%s"
				.formatted(node.outputFrom("failing tests:")))
			.isZero();
	}

	private static Run run(List<String> command, Map<String, String> environment, Duration timeout) {
		List<String> lines = new CopyOnWriteArrayList<>();
		logger.info("Running " + String.join(" ", command) + " in " + TESTS);
		ProcessBuilder builder = new ProcessBuilder(command).directory(TESTS.toFile()).redirectErrorStream(true);
		builder.environment().putAll(environment);
		try {
			Process process = builder.start();
			Thread output = new Thread(() -> log(process, lines), "browser-test-output");
			output.start();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
				logger.error(String.join(" ", command) + " did not finish within " + timeout);
			}
			output.join(TimeUnit.SECONDS.toMillis(10));
			return new Run(process.waitFor(), lines);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to run " + command + " (are node and npm installed?)", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void log(Process process, List<String> lines) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				logger.info("[node] " + line);
				lines.add(line);
			}
		}
		catch (IOException ex) {
			logger.warn("Failed to read the output of a test process", ex);
		}
	}

	/** How a process ended, and the lines it printed. */
	private record Run(int exit, List<String> lines) {

		/**
		 * The lines from the last one that holds {@code heading} on (all of them if none
		 * does).
		 */
		String outputFrom(String heading) {
			int from = 0;
			for (int i = 0; i < this.lines.size(); i++) {
				if (this.lines.get(i).contains(heading)) {
					from = i;
				}
			}
			return output(from);
		}

		/** The lines from {@code from} on, without terminal colors, at most 200. */
		String output(int from) {
			return this.lines.subList(from, this.lines.size())
				.stream()
				.map((line) -> ANSI_ESCAPE.matcher(line).replaceAll(""))
				.limit(200)
				.collect(Collectors.joining(System.lineSeparator()));
		}

	}

}
