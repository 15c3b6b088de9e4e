package io.entanglement.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bodies a page shows, next to the values a test really sends and receives in place
 * of the ones shown: generated ids, and request ids, which must be new for every test
 * because a user's request ids are remembered.
 *
 * @author Entanglement
 */
public final class ShownValues {

	private static final JsonMapper json = JsonMapper.shared();

	private final Class<?> base;

	private final Map<String, String> shown = new LinkedHashMap<>();

	/**
	 * Values for the bodies stored next to the given class.
	 * @param base the class whose package holds the bodies
	 */
	public ShownValues(Class<?> base) {
		this.base = base;
	}

	/**
	 * Use a request id of this test wherever the page shows each of the given ones.
	 * @param requestIds the request ids the page shows
	 */
	public void uniqueRequestIds(String... requestIds) {
		String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
		for (String requestId : requestIds) {
			show(requestId + suffix, requestId);
		}
	}

	/**
	 * Record that the page shows a value this test sends or receives as another.
	 * @param real the value the test uses
	 * @param shown the value the page shows
	 * @return the real value
	 */
	public String show(String real, String shown) {
		this.shown.put(real, shown);
		return real;
	}

	/**
	 * The value this test uses where the page shows the given one.
	 * @param shown the value the page shows
	 * @return the real value
	 */
	public String real(String shown) {
		return this.shown.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().equals(shown))
			.map(Map.Entry::getKey)
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No value is shown as '" + shown + "'"));
	}

	/**
	 * A body the page shows, with the values this test uses instead.
	 * @param name the body's file name
	 * @return the body to send
	 */
	public String body(String name) {
		String body = read(name);
		for (Map.Entry<String, String> entry : this.shown.entrySet()) {
			body = body.replace("\"" + entry.getValue() + "\"", "\"" + entry.getKey() + "\"");
		}
		return body;
	}

	/**
	 * A received frame's body as the page shows it.
	 * @param frame the frame
	 * @return the body with the values the page shows
	 */
	public JsonNode shown(ReceivedFrames.Frame frame) {
		return shown(frame.json());
	}

	/**
	 * Received JSON as the page shows it.
	 * @param received the JSON
	 * @return the JSON with the values the page shows
	 */
	public JsonNode shown(JsonNode received) {
		String body = received.toString();
		for (Map.Entry<String, String> entry : this.shown.entrySet()) {
			// Also inside messages: the values a test uses are unique.
			body = body.replace(entry.getKey(), entry.getValue());
		}
		return json.readTree(body);
	}

	/**
	 * A body the page shows, as JSON.
	 * @param name the body's file name
	 * @return the body
	 */
	public JsonNode expected(String name) {
		return json.readTree(read(name));
	}

	private String read(String name) {
		try (InputStream in = this.base.getResourceAsStream(name)) {
			assertThat(in).as(name).isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
