package io.entanglement.engine;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

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

	/**
	 * Create an encoder.
	 * @param jsonMapper the mapper that writes attribute values
	 */
	public ChangeEncoder(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Encode one change.
	 * @param change the change
	 * @return the change with its JSON
	 */
	public EncodedChange encode(SyncChange change) {
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
		String json = this.jsonMapper.writeValueAsString(element);
		return new EncodedChange(change, json, utf8Length(json));
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
		String json = this.jsonMapper.writeValueAsString(element);
		return new EncodedChange(current, json, utf8Length(json), transition, false);
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
		String json = this.jsonMapper.writeValueAsString(element);
		return new EncodedChange(current, json, utf8Length(json), transition, true);
	}

	/**
	 * Encode a string as a JSON string literal.
	 * @param value the string
	 * @return the quoted literal
	 */
	public String quote(String value) {
		return this.jsonMapper.writeValueAsString(value);
	}

	static int utf8Length(String value) {
		int length = value.length();
		for (int i = 0; i < value.length(); i++) {
			if (value.charAt(i) >= 0x80) {
				return value.getBytes(StandardCharsets.UTF_8).length;
			}
		}
		return length;
	}

}
