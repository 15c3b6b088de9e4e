package io.entanglement.peer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a client holds of one type, kept by the wire contract's rules: a reset drops
 * everything, an upsert or delete is taken only if newer than what is held, a
 * {@code forget} always removes the object. The token to resume from is kept with it. Not
 * thread-safe: apply batches from the subscription's listener.
 *
 * @author Entanglement
 */
public final class View implements EntanglementClient.Listener {

	private final Map<String, EntanglementClient.Change> objects = new LinkedHashMap<>();

	private final Map<String, Long> deleted = new LinkedHashMap<>();

	private @Nullable String token;

	private boolean synced;

	@Override
	public void batch(EntanglementClient.Batch batch) {
		apply(batch);
	}

	/**
	 * Apply one batch.
	 * @param batch the batch
	 */
	public synchronized void apply(EntanglementClient.Batch batch) {
		if (batch.reset()) {
			this.objects.clear();
			this.deleted.clear();
		}
		for (EntanglementClient.Change change : batch.changes()) {
			switch (change.op()) {
				case "upsert" -> {
					if (change.version() > known(change.id())) {
						this.objects.put(change.id(), change);
						this.deleted.remove(change.id());
					}
				}
				case "delete" -> {
					if (change.version() > known(change.id())) {
						this.objects.remove(change.id());
						this.deleted.put(change.id(), change.version());
					}
				}
				case "forget" -> {
					this.objects.remove(change.id());
					this.deleted.remove(change.id());
				}
				default -> {
					// Transitions are shown by applications that want them; the view
					// holds committed state.
				}
			}
		}
		if (batch.token() != null) {
			this.token = batch.token();
		}
		this.synced = this.synced || batch.synced();
	}

	private long known(String id) {
		EntanglementClient.Change held = this.objects.get(id);
		if (held != null) {
			return held.version();
		}
		Long deletedAt = this.deleted.get(id);
		return (deletedAt != null) ? deletedAt : -1;
	}

	/**
	 * The objects held, by id.
	 * @return a copy
	 */
	public synchronized Map<String, EntanglementClient.Change> objects() {
		return Collections.unmodifiableMap(new LinkedHashMap<>(this.objects));
	}

	/**
	 * The token to resume from.
	 * @return the token of the last batch applied, or {@code null}
	 */
	public synchronized @Nullable String token() {
		return this.token;
	}

	/**
	 * Whether the first snapshot or catch-up has arrived in full.
	 * @return {@code true} once synced
	 */
	public synchronized boolean synced() {
		return this.synced;
	}

}
