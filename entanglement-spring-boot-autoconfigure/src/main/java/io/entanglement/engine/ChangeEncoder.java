package io.entanglement.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.entanglement.SyncChange;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encodes changes and batch envelopes as JSON, once per object version.
 *
 * @author Entanglement
 */
public final class ChangeEncoder {

	private final JsonMapper jsonMapper;

	private final boolean deltas;

	/**
	 * Create an encoder that also encodes deltas.
	 * @param jsonMapper the mapper that writes attribute values
	 */
	public ChangeEncoder(JsonMapper jsonMapper) {
		this(jsonMapper, true);
	}

	/**
	 * Create an encoder.
	 * @param jsonMapper the mapper that writes attribute values
	 * @param deltas whether to also encode an update as a {@code patch} of the version
	 * before it, when that version's state is known
	 */
	public ChangeEncoder(JsonMapper jsonMapper, boolean deltas) {
		this.jsonMapper = jsonMapper;
		this.deltas = deltas;
	}

	/**
	 * Encode one change.
	 * @param change the change
	 * @return the change with its JSON
	 */
	public EncodedChange encode(SyncChange change) {
		return encode(change, null);
	}

	/**
	 * Encode one change and, if {@code base} is the version just before it, the change as
	 * a {@code patch} of {@code base}: only the attributes that differ. Both encodings
	 * are shared by every recipient; a recipient known to hold {@code base} gets the
	 * patch.
	 * @param change the change
	 * @param base the object's state before the change, or {@code null} if unknown
	 * @return the change with its JSON
	 */
	public EncodedChange encode(SyncChange change, @Nullable SyncChange base) {
		Map<String, @Nullable Object> element = new LinkedHashMap<>();
		element.put("op", change.op().wireName());
		element.put("id", change.key().id());
		if (change.op() == SyncChange.Op.UPSERT) {
			element.put("owner", change.owner());
		}
		element.put("version", change.version());
		if (change.op() == SyncChange.Op.UPSERT) {
			element.put("state", change.state());
		}
		byte[] json = this.jsonMapper.writeValueAsBytes(element);
		byte[] patch = isPatchable(change, base) ? encodePatch(change, base) : null;
		return new EncodedChange(change, json, null, false, patch);
	}

	private boolean isPatchable(SyncChange change, @Nullable SyncChange base) {
		return this.deltas && base != null && change.op() == SyncChange.Op.UPSERT && base.op() == SyncChange.Op.UPSERT
				&& base.version() == change.version() - 1 && Objects.equals(base.owner(), change.owner())
				&& base.state().keySet().equals(change.state().keySet());
	}

	/**
	 * The attributes that changed. The owner and the set of attributes are the same as
	 * the base's, so a patch merged into the base gives the full state.
	 */
	private byte @Nullable [] encodePatch(SyncChange change, SyncChange base) {
		Map<String, @Nullable Object> changed = new LinkedHashMap<>();
		change.state().forEach((name, value) -> {
			if (!Objects.deepEquals(value, base.state().get(name))) {
				changed.put(name, value);
			}
		});
		if (changed.size() == change.state().size()) {
			// Every attribute changed: the patch would only be longer by its op.
			return null;
		}
		Map<String, @Nullable Object> element = new LinkedHashMap<>();
		element.put("op", "patch");
		element.put("id", change.key().id());
		element.put("version", change.version());
		element.put("state", changed);
		return this.jsonMapper.writeValueAsBytes(element);
	}

	/**
	 * Encode an update of a transition: state not committed yet, shown over the object.
	 * @param current the object's committed state
	 * @param transition the transition id
	 * @param by who drives the transition
	 * @param state the transition's attributes
	 * @return the encoded update
	 */
	public EncodedChange encodeTransition(SyncChange current, String transition, @Nullable String by,
			Map<String, @Nullable Object> state) {
		Map<String, @Nullable Object> element = new LinkedHashMap<>();
		element.put("op", "transition");
		element.put("id", current.key().id());
		element.put("transition", transition);
		element.put("by", by);
		element.put("state", state);
		return new EncodedChange(current, this.jsonMapper.writeValueAsBytes(element), transition, false, null);
	}

	/**
	 * Encode the end of a transition.
	 * @param current the object's state when it ended
	 * @param transition the transition id
	 * @param reason why it ended: {@code committed}, {@code broken}, {@code rejected} or
	 * {@code expired}
	 * @return the encoded end
	 */
	public EncodedChange encodeTransitionEnd(SyncChange current, String transition, String reason) {
		Map<String, @Nullable Object> element = new LinkedHashMap<>();
		element.put("op", "transition-end");
		element.put("id", current.key().id());
		element.put("transition", transition);
		element.put("reason", reason);
		return new EncodedChange(current, this.jsonMapper.writeValueAsBytes(element), transition, true, null);
	}

	/**
	 * Encode a string as a JSON string literal.
	 * @param value the string
	 * @return the quoted literal
	 */
	public String quote(String value) {
		return this.jsonMapper.writeValueAsString(value);
	}

}
