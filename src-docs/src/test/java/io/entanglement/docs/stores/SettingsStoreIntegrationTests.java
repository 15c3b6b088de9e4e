package io.entanglement.docs.stores;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.entanglement.docs.ReceivedFrames;
import io.entanglement.docs.ShownValues;
import io.entanglement.docs.StompClients;
import io.entanglement.docs.gettingstarted.GettingStartedApplication;
import io.entanglement.engine.SyncManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.messaging.simp.stomp.StompSession;

import static io.entanglement.docs.StompClients.REPLIES;
import static io.entanglement.docs.StompClients.send;
import static io.entanglement.docs.StompClients.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the stores page's worked example: the settings store in the getting-started
 * application, read from its file, subscribed to and proposed to over real STOMP, caught
 * up within the node's lifetime and reset after a restart. Each test starts the
 * application itself, so that it can restart it on the same file.
 *
 * @author Entanglement
 */
class SettingsStoreIntegrationTests {

	private static final String SETTINGS = "/entanglement/setting";

	private static final String PROPOSE = "/app/entanglement/setting/propose";

	@TempDir
	Path directory;

	private Path file;

	private final List<ConfigurableApplicationContext> applications = new ArrayList<>();

	private final List<StompClients> clients = new ArrayList<>();

	private final ShownValues shown = new ShownValues(SettingsStoreIntegrationTests.class);

	@BeforeEach
	void settingsFile() throws Exception {
		this.file = this.directory.resolve("settings.json");
		try (InputStream in = SettingsStoreIntegrationTests.class.getResourceAsStream("settings.json")) {
			Files.copy(in, this.file);
		}
		this.shown.uniqueRequestIds("theme-1", "theme-2", "units-1", "units-2", "new-1");
	}

	@AfterEach
	void stop() {
		this.clients.forEach(StompClients::close);
		this.applications.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void subscribersReceiveTheSettingsOfTheFileThenEveryChange() throws Exception {
		ConfigurableApplicationContext application = start();
		StompSession bob = connect(application, "bob");
		ReceivedFrames replies = subscribe(bob, REPLIES);
		ReceivedFrames settings = subscribe(bob, SETTINGS);
		List<ReceivedFrames.Frame> snapshot = settings.untilSynced();
		assertThat(snapshot).singleElement()
			.satisfies((frame) -> assertThat(frame.json()).isEqualTo(this.shown.expected("settings-snapshot.json")));

		// A change made by the application's own code.
		application.getBean(SettingsStore.class).put("welcome", "Bonjour");
		assertThat(settings.change("welcome", 0).get("state").get("value").asString()).isEqualTo("Bonjour");

		// A proposal: the node owns the settings, so it is applied at once.
		send(bob, PROPOSE, this.shown.body("settings-propose.json"));
		JsonNode accepted = this.shown.shown(replies.next());
		assertThat(accepted.get("requestId").asString()).isEqualTo("theme-1");
		assertThat(accepted.get("status").asString()).isEqualTo("accepted");
		assertThat(accepted.get("version").asLong()).isEqualTo(3);
		assertThat(settings.change("theme", 3).get("state").get("value").asString()).isEqualTo("light");

		// The same proposal again is based on a version that is no longer current.
		send(bob, PROPOSE, this.shown.body("settings-propose.json")
			.replace(this.shown.real("theme-1"), this.shown.real("theme-2")));
		assertThat(this.shown.shown(replies.next())).isEqualTo(this.shown.expected("settings-conflict.json"));

		send(bob, PROPOSE, this.shown.body("settings-delete.json"));
		assertThat(replies.next().json().get("version").asLong()).isEqualTo(1);
		assertThat(settings.change("units", 1).get("op").asString()).isEqualTo("delete");

		send(bob, PROPOSE, this.shown.body("settings-delete.json")
			.replace(this.shown.real("units-1"), this.shown.real("units-2")));
		assertThat(replies.next().json().get("code").asString()).isEqualTo("not-found");
		send(bob, PROPOSE, "{\"requestId\":\"" + this.shown.real("new-1") + "\",\"state\":{\"value\":\"x\"}}");
		JsonNode refused = replies.next().json();
		assertThat(refused.get("code").asString()).isEqualTo("invalid");
		assertThat(refused.get("message").asString()).isEqualTo("Settings are defined by the application");

		JsonMapper json = JsonMapper.shared();
		assertThat(json.readTree(this.file.toFile())).isEqualTo(this.shown.expected("settings-after.json"));
	}

	@Test
	void aClientResumingWithinTheNodesLifetimeReceivesWhatChangedOnceAtItsCurrentState() throws Exception {
		ConfigurableApplicationContext application = start();
		SettingsStore store = application.getBean(SettingsStore.class);
		// A token is served once something has been published on the node's clock.
		published(application, () -> store.put("welcome", "Bonjour"));
		StompSession first = connect(application, "bob");
		List<ReceivedFrames.Frame> snapshot = subscribe(first, SETTINGS).untilSynced();
		String token = snapshot.get(snapshot.size() - 1).token();
		first.disconnect();

		published(application, () -> store.put("theme", "light"));
		published(application, () -> store.put("theme", "sepia"));
		published(application, () -> store.put("theme", "dark"));
		published(application, () -> store.remove("units"));

		List<ReceivedFrames.Frame> catchUp = subscribe(connect(application, "bob"), SETTINGS, token).untilSynced();
		assertThat(catchUp).singleElement()
			.satisfies((frame) -> assertThat(frame.json()).isEqualTo(this.shown.expected("settings-catch-up.json")));
	}

	@Test
	void afterARestartAResumingClientIsResetAndReceivesTheSettingsTheFileKept() throws Exception {
		ConfigurableApplicationContext before = start();
		StompSession session = connect(before, "bob");
		ReceivedFrames settings = subscribe(session, SETTINGS);
		settings.untilSynced();
		before.getBean(SettingsStore.class).put("theme", "light");
		String token = settings.next().token();
		before.close();

		ConfigurableApplicationContext after = start();
		List<ReceivedFrames.Frame> resumed = subscribe(connect(after, "bob"), SETTINGS, token).untilSynced();
		assertThat(resumed).singleElement()
			.satisfies((frame) -> assertThat(frame.json()).isEqualTo(this.shown.expected("settings-reset.json")));
	}

	private ConfigurableApplicationContext start() {
		ConfigurableApplicationContext application = new SpringApplicationBuilder(GettingStartedApplication.class,
				SettingsConfiguration.class)
			.properties("server.port=0", "meetup.settings-file=" + this.file)
			.run();
		this.applications.add(application);
		return application;
	}

	private StompSession connect(ConfigurableApplicationContext application, String user) throws Exception {
		StompClients clients = new StompClients(
				application.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
		this.clients.add(clients);
		return clients.connect(user);
	}

	/**
	 * Make a change and wait until it has been sent to every subscriber, so that the
	 * change is behind the resume token of the next snapshot or catch-up.
	 */
	private static void published(ConfigurableApplicationContext application, Supplier<?> change) {
		SyncManager manager = application.getBean(SyncManager.class);
		long commits = manager.metrics().commits();
		change.get();
		await().atMost(ReceivedFrames.TIMEOUT).until(() -> manager.metrics().commits() > commits);
	}

}
