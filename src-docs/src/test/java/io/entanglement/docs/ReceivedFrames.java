package io.entanglement.docs;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Collects the MESSAGE frames of one subscription, for the documentation's tests.
 *
 * @author Entanglement
 */
public final class ReceivedFrames implements StompFrameHandler {

	/** How long a test waits for a frame. */
	public static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper json = JsonMapper.shared();

	private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();

	@Override
	public Type getPayloadType(StompHeaders headers) {
		return byte[].class;
	}

	@Override
	public void handleFrame(StompHeaders headers, @Nullable Object payload) {
		this.frames.add(new Frame(headers, new String((byte[]) payload, StandardCharsets.UTF_8)));
	}

	/**
	 * The next frame, or {@code null} if none arrives in time.
	 * @param timeout how long to wait
	 * @return the frame
	 * @throws InterruptedException if interrupted while waiting
	 */
	public @Nullable Frame poll(Duration timeout) throws InterruptedException {
		return this.frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * The next frame, failing if none arrives within {@link #TIMEOUT}.
	 * @return the frame
	 * @throws InterruptedException if interrupted while waiting
	 */
	public Frame next() throws InterruptedException {
		Frame frame = poll(TIMEOUT);
		assertThat(frame).as("a frame within " + TIMEOUT).isNotNull();
		return frame;
	}

	/**
	 * Frames up to and including the first with {@code "synced":true}.
	 * @return the frames
	 * @throws InterruptedException if interrupted while waiting
	 */
	public List<Frame> untilSynced() throws InterruptedException {
		List<Frame> received = new ArrayList<>();
		Frame frame;
		do {
			frame = next();
			received.add(frame);
		}
		while (!frame.json().get("synced").asBoolean());
		return received;
	}

	/**
	 * The change of the given object and version in the batches received from now on.
	 * @param id the object id
	 * @param version the version
	 * @return the change
	 * @throws InterruptedException if interrupted while waiting
	 */
	public JsonNode change(String id, long version) throws InterruptedException {
		while (true) {
			for (JsonNode change : next().json().get("changes")) {
				if (change.get("id").asString().equals(id) && change.get("version").asLong() == version) {
					return change;
				}
			}
		}
	}

	/**
	 * The changes of one object in the batches received from now on, up to and including
	 * the first that matches; changes of other objects are skipped.
	 * @param id the object id
	 * @param last what the last change is
	 * @return the changes
	 * @throws InterruptedException if interrupted while waiting
	 */
	public List<JsonNode> changesOf(String id, Predicate<JsonNode> last) throws InterruptedException {
		List<JsonNode> changes = new ArrayList<>();
		while (true) {
			for (JsonNode change : next().json().get("changes")) {
				if (change.get("id").asString().equals(id)) {
					changes.add(change);
					if (last.test(change)) {
						return changes;
					}
				}
			}
		}
	}

	/**
	 * The next frame that has a change of the given object, with only the changes of that
	 * object: what a page shows of a batch, which may also carry other objects.
	 * @param id the object id
	 * @return the frame's body, without the changes of other objects
	 * @throws InterruptedException if interrupted while waiting
	 */
	public JsonNode batchOf(String id) throws InterruptedException {
		while (true) {
			JsonNode body = next().json();
			ArrayNode changes = (ArrayNode) body.get("changes");
			for (int i = changes.size() - 1; i >= 0; i--) {
				if (!changes.get(i).get("id").asString().equals(id)) {
					changes.remove(i);
				}
			}
			if (!changes.isEmpty()) {
				return body;
			}
		}
	}

	/**
	 * A MESSAGE frame as the client received it.
	 *
	 * @param headers the frame's headers
	 * @param body the frame's body
	 */
	public record Frame(StompHeaders headers, String body) {

		/**
		 * The resume token the frame carries.
		 * @return the token
		 */
		public String token() {
			return this.headers.getFirst("entanglement-token");
		}

		/**
		 * The body as JSON.
		 * @return the body
		 */
		public JsonNode json() {
			return json.readTree(this.body);
		}

		/**
		 * The body, with generated values replaced by the ones the documentation shows.
		 * @param shown the value each generated one is shown as
		 * @return the body as the documentation shows it
		 */
		public JsonNode json(Map<String, String> shown) {
			String text = this.body;
			for (Map.Entry<String, String> value : shown.entrySet()) {
				assertThat(text).contains(value.getKey());
				text = text.replace(value.getKey(), value.getValue());
			}
			return json.readTree(text);
		}

	}

}
