package io.entanglement.docs.stores;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.entanglement.ConflictException;
import io.entanglement.InvalidRequestException;
import io.entanglement.NotFoundException;
import io.entanglement.ObjectKey;
import io.entanglement.StoreContext;
import io.entanglement.StoreWrite;
import io.entanglement.SyncChange;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link SettingsStore}: what it publishes, what it writes to its file, and how
 * it answers the writes the engine hands it, including those the engine's own checks
 * would not catch (a version that changed after the engine looked).
 *
 * @author Entanglement
 */
class SettingsStoreTests {

	@TempDir
	Path directory;

	private Path file;

	private final RecordingContext context = new RecordingContext();

	private SettingsStore store;

	@BeforeEach
	void store() throws Exception {
		this.file = this.directory.resolve("settings.json");
		try (var in = SettingsStoreTests.class.getResourceAsStream("settings.json")) {
			Files.copy(in, this.file);
		}
		this.store = new SettingsStore(this.file);
		this.store.attach(this.context);
	}

	@Test
	void readsItsFileAtStart() {
		assertThat(this.store.snapshot())
			.extracting((change) -> change.key().id(), SyncChange::version, (change) -> change.state().get("value"))
			.containsExactly(tuple("theme", 2L, "dark"), tuple("units", 0L, "metric"));
		assertThat(this.store.load(List.of("units", "missing"))).extracting((change) -> change.key().id())
			.containsExactly("units");
		assertThat(this.store.snapshot()).allSatisfy((change) -> assertThat(change.owner()).isEqualTo("meetup-1"));
	}

	@Test
	void publishesEachChangeWithThePreviousStateAndWritesItsFileFirst() {
		SyncChange light = this.store.apply(new StoreWrite("theme", 2L, Map.of("value", "light"), false, "bob"));
		assertThat(light.version()).isEqualTo(3);
		assertThat(this.context.published).singleElement().satisfies((publication) -> {
			assertThat(publication.change()).isEqualTo(light);
			assertThat(publication.previous().version()).isEqualTo(2);
			assertThat(publication.previous().state()).containsEntry("value", "dark");
		});
		assertThat(reopened().load(List.of("theme"))).singleElement()
			.satisfies((change) -> assertThat(change.state()).containsEntry("value", "light"));
	}

	@Test
	void aVersionThatIsNoLongerCurrentIsAConflictWithTheCurrentState() {
		this.store.put("theme", "light");
		assertThatExceptionOfType(ConflictException.class)
			.isThrownBy(() -> this.store.apply(new StoreWrite("theme", 2L, Map.of("value", "sepia"), false, "bob")))
			.satisfies((ex) -> assertThat(ex.getCurrent().version()).isEqualTo(3));
		assertThat(this.store.load(List.of("theme")).get(0).state()).containsEntry("value", "light");
		assertThat(this.context.published).hasSize(1);
	}

	@Test
	void aDeleteTakesTheNextVersionAndTheSettingIsThenNotFound() {
		SyncChange deleted = this.store.apply(new StoreWrite("units", 0L, Map.of(), true, "bob"));
		assertThat(deleted.op()).isEqualTo(SyncChange.Op.DELETE);
		assertThat(deleted.version()).isEqualTo(1);
		assertThat(this.context.published.get(0).change()).isEqualTo(deleted);
		assertThat(this.store.snapshot()).extracting((change) -> change.key().id()).containsExactly("theme");
		assertThatExceptionOfType(NotFoundException.class).isThrownBy(
				() -> this.store.apply(new StoreWrite("units", null, Map.of("value", "imperial"), false, "bob")));
		assertThatExceptionOfType(NotFoundException.class)
			.isThrownBy(() -> this.store.apply(new StoreWrite("colour", null, Map.of("value", "red"), false, "bob")));
	}

	@Test
	void aSettingDefinedAgainGoesOnFromTheVersionOfItsDelete() {
		assertThat(this.store.remove("units")).isTrue();
		assertThat(this.store.remove("units")).isFalse();
		assertThat(this.store.put("units", "imperial").version()).isEqualTo(2);
		assertThat(reopened().load(List.of("units")).get(0).version()).isEqualTo(2);
	}

	@Test
	void refusesCreatesNullValuesAndOwnershipChanges() {
		assertThatExceptionOfType(InvalidRequestException.class)
			.isThrownBy(() -> this.store.apply(new StoreWrite(null, null, Map.of("value", "x"), false, "bob")))
			.withMessage("Settings are defined by the application");
		Map<String, @Nullable Object> nullValue = new HashMap<>();
		nullValue.put("value", null);
		assertThatExceptionOfType(InvalidRequestException.class)
			.isThrownBy(() -> this.store.apply(new StoreWrite("theme", null, nullValue, false, "bob")));
		assertThatExceptionOfType(InvalidRequestException.class)
			.isThrownBy(() -> this.store.apply(new StoreWrite("theme", null, Map.of(), false, "bob", "alice")));
		assertThat(this.context.published).isEmpty();
	}

	@Test
	void aWriteWithoutAValueChangesNothing() {
		SyncChange unchanged = this.store.apply(new StoreWrite("theme", 2L, Map.of(), false, "bob"));
		assertThat(unchanged.version()).isEqualTo(2);
		assertThat(this.context.published).isEmpty();
	}

	@Test
	void writesTheFileThePageShows() throws Exception {
		this.store.apply(new StoreWrite("theme", 2L, Map.of("value", "light"), false, "bob"));
		this.store.apply(new StoreWrite("units", null, Map.of(), true, "bob"));
		this.store.put("welcome", "Bonjour");
		JsonMapper json = JsonMapper.shared();
		try (var in = SettingsStoreTests.class.getResourceAsStream("settings-after.json")) {
			assertThat(json.readTree(this.file.toFile())).isEqualTo(json.readTree(in));
		}
		try (var files = Files.list(this.directory)) {
			assertThat(files).containsExactly(this.file);
		}
	}

	/**
	 * A new store on the same file, as after a restart.
	 */
	private SettingsStore reopened() {
		SettingsStore reopened = new SettingsStore(this.file);
		reopened.attach(new RecordingContext());
		return reopened;
	}

	private record Publication(SyncChange change, @Nullable SyncChange previous) {
	}

	/**
	 * Records what the store publishes; the engine is not needed to test a store.
	 */
	private static final class RecordingContext implements StoreContext {

		final List<Publication> published = new ArrayList<>();

		@Override
		public void publish(List<SyncChange> changes, List<@Nullable SyncChange> previous) {
			assertThat(changes).hasSameSizeAs(previous);
			for (int i = 0; i < changes.size(); i++) {
				assertThat(changes.get(i).key())
					.isEqualTo(new ObjectKey(SettingsStore.TYPE, changes.get(i).key().id()));
				this.published.add(new Publication(changes.get(i), previous.get(i)));
			}
		}

		@Override
		public void onUserLeft(Consumer<String> listener) {
		}

		@Override
		public void every(Duration period, Runnable task) {
		}

		@Override
		public String nodeId() {
			return "meetup-1";
		}

	}

}
