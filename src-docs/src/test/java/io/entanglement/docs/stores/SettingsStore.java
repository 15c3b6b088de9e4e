package io.entanglement.docs.stores;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.entanglement.ConflictException;
import io.entanglement.InvalidRequestException;
import io.entanglement.NotFoundException;
import io.entanglement.ObjectKey;
import io.entanglement.StoreContext;
import io.entanglement.StoreWrite;
import io.entanglement.SyncChange;
import io.entanglement.SyncStore;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.Assert;

/**
 * The application's settings (a theme, units, a welcome text), held in memory and kept in
 * a JSON file: the stores page's worked example of a store of one's own.
 *
 * @author Entanglement
 */
// tag::class[]
public class SettingsStore implements SyncStore {

	/** The type name clients subscribe to. */
	public static final String TYPE = "setting";

	private static final JsonMapper json = JsonMapper.shared();

	private final Path file;

	/**
	 * Every setting by key, deleted ones included: a setting deleted and defined again
	 * goes on from the version of its delete, so its versions only ever increase.
	 */
	private final Map<String, Setting> settings = new ConcurrentHashMap<>();

	private volatile @Nullable StoreContext context;

	public SettingsStore(Path file) {
		this.file = file;
		if (Files.exists(file)) {
			this.settings.putAll(read(file));
		}
	}

	// end::class[]
	// tag::describe[]
	@Override
	public String type() {
		return TYPE;
	}

	@Override
	public Set<String> attributes() {
		return Set.of("value");
	}

	@Override
	public void attach(StoreContext context) {
		this.context = context;
	}

	// end::describe[]
	// tag::read[]
	@Override
	public synchronized List<SyncChange> snapshot() {
		List<SyncChange> snapshot = new ArrayList<>();
		new TreeMap<>(this.settings).forEach((key, setting) -> {
			if (!setting.deleted()) {
				snapshot.add(change(key, setting));
			}
		});
		return snapshot;
	}

	@Override
	public synchronized List<SyncChange> load(Collection<String> keys) {
		List<SyncChange> found = new ArrayList<>(keys.size());
		for (String key : keys) {
			Setting setting = this.settings.get(key);
			if (setting != null && !setting.deleted()) {
				found.add(change(key, setting));
			}
		}
		return found;
	}

	// end::read[]
	// tag::apply[]
	@Override
	public synchronized SyncChange apply(StoreWrite write) {
		String key = write.id();
		if (key == null) {
			throw new InvalidRequestException("Settings are defined by the application");
		}
		if (write.newOwner() != null) {
			throw new InvalidRequestException("Settings belong to the node");
		}
		Setting current = this.settings.get(key);
		if (current == null || current.deleted()) {
			throw new NotFoundException("No setting '" + key + "'");
		}
		Long expected = write.expectedVersion();
		if (expected != null && expected != current.version()) {
			throw new ConflictException("Setting '" + key + "' is at version " + current.version(),
					change(key, current));
		}
		if (write.delete()) {
			return save(key, current, new Setting(current.version() + 1, null, true));
		}
		if (!write.state().containsKey("value")) {
			// Nothing to change: no new version.
			return change(key, current);
		}
		Object value = write.state().get("value");
		if (value == null) {
			throw new InvalidRequestException("A setting's value must not be null");
		}
		return save(key, current, new Setting(current.version() + 1, value, false));
	}

	// end::apply[]
	// tag::write[]
	/**
	 * Define or change a setting, from the application's own code.
	 * @param key the setting's key
	 * @param value its new value
	 * @return the setting as published
	 */
	public synchronized SyncChange put(String key, Object value) {
		Assert.notNull(value, "'value' must not be null");
		Setting previous = this.settings.get(key);
		long version = (previous != null) ? previous.version() + 1 : 0;
		return save(key, previous, new Setting(version, value, false));
	}

	/**
	 * Delete a setting, from the application's own code.
	 * @param key the setting's key
	 * @return whether it existed
	 */
	public synchronized boolean remove(String key) {
		Setting previous = this.settings.get(key);
		if (previous == null || previous.deleted()) {
			return false;
		}
		save(key, previous, new Setting(previous.version() + 1, null, true));
		return true;
	}

	/**
	 * Write the file, then take the new state and publish it. Called with this store's
	 * lock held, so changes are published in the order of their versions.
	 */
	private SyncChange save(String key, @Nullable Setting previous, Setting next) {
		Map<String, Setting> contents = new TreeMap<>(this.settings);
		contents.put(key, next);
		write(contents);
		this.settings.put(key, next);
		SyncChange change = change(key, next);
		SyncChange before = (previous != null && !previous.deleted()) ? change(key, previous) : null;
		context().publish(List.of(change), Collections.singletonList(before));
		return change;
	}

	// end::write[]
	// tag::helpers[]
	private SyncChange change(String key, Setting setting) {
		ObjectKey objectKey = new ObjectKey(TYPE, key);
		if (setting.deleted()) {
			return SyncChange.delete(objectKey, setting.version());
		}
		return SyncChange.upsert(objectKey, context().nodeId(), setting.version(),
				Collections.singletonMap("value", setting.value()));
	}

	private StoreContext context() {
		StoreContext context = this.context;
		Assert.state(context != null, "The store is not registered");
		return context;
	}

	private static Map<String, Setting> read(Path file) {
		try {
			return json.readValue(file.toFile(), new TypeReference<Map<String, Setting>>() {
			});
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Could not read the settings of " + file, ex);
		}
	}

	/**
	 * Replace the file at once, so a crash leaves either the old settings or the new.
	 */
	private void write(Map<String, Setting> contents) {
		try {
			Path written = Files.createTempFile(this.file.toAbsolutePath().getParent(), "settings", ".json");
			try {
				json.writeValue(written.toFile(), contents);
				Files.move(written, this.file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			finally {
				Files.deleteIfExists(written);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write the settings to " + this.file, ex);
		}
	}

	/**
	 * One setting as the file holds it.
	 *
	 * @param version its version
	 * @param value its value, {@code null} once deleted
	 * @param deleted whether it was deleted
	 */
	record Setting(long version, @Nullable Object value, boolean deleted) {
	}

	// end::helpers[]

}
