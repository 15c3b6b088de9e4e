package io.entanglement.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.assertj.core.groups.Tuple;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A frame as a client reads it: its STOMP headers and its parsed batch body.
 *
 * @param subscriptionId the {@code subscription} header
 * @param destination the {@code destination} header
 * @param token the {@code entanglement-token} header
 * @param type the type named in the body
 * @param changes the changes, in order
 * @param synced whether the snapshot or catch-up is complete with this frame
 * @param reset whether the client must drop what it holds of the type
 * @author Entanglement
 */
public record Batch(String subscriptionId, String destination, String token, String type, List<Change> changes,
		boolean synced, boolean reset) {

	private static final JsonMapper json = JsonMapper.builder().build();

	/**
	 * Parse a frame.
	 * @param frame the frame
	 * @return the batch
	 */
	public static Batch of(SyncFrame frame) {
		JsonNode body = json.readTree(frame.body());
		List<Change> changes = body.get("changes").values().stream().map(Batch::change).toList();
		return new Batch(frame.subscriptionId(), frame.destination(), frame.token(), body.get("type").asString(),
				changes, body.get("synced").asBoolean(), body.get("reset").asBoolean());
	}

	@SuppressWarnings("unchecked")
	private static Change change(JsonNode node) {
		String owner = node.has("owner") ? node.get("owner").asString() : null;
		Map<String, @Nullable Object> state = node.has("state") ? json.treeToValue(node.get("state"), Map.class) : null;
		return new Change(node.get("op").asString(), node.get("id").asString(), owner, node.get("version").asLong(),
				state, Set.copyOf(node.propertyNames()));
	}

	/**
	 * The ids of the changes, in order.
	 * @return the ids
	 */
	public List<String> ids() {
		return this.changes.stream().map(Change::id).toList();
	}

	/**
	 * The operation and id of every change of some batches, in order.
	 * @param batches the batches
	 * @return a tuple of operation and id per change
	 */
	public static List<Tuple> opsAndIds(List<Batch> batches) {
		return batches.stream()
			.flatMap((batch) -> batch.changes().stream())
			.map((change) -> new Tuple(change.op(), change.id()))
			.toList();
	}

	/**
	 * One element of a batch's {@code changes} array.
	 *
	 * @param op {@code upsert} or {@code delete}
	 * @param id the object id
	 * @param owner the owner, {@code null} if absent
	 * @param version the version
	 * @param state the state, {@code null} if absent
	 * @param fields the names of the fields present in the element
	 */
	public record Change(String op, String id, @Nullable String owner, long version,
			@Nullable Map<String, @Nullable Object> state, Set<String> fields) {

		@Override
		public String toString() {
			return this.op + " " + this.id + " v" + this.version + " " + this.state;
		}

	}

	@Override
	public String toString() {
		return this.subscriptionId + " " + this.changes.stream().map(Change::toString).collect(Collectors.joining(", "))
				+ (this.synced ? " synced" : "") + (this.reset ? " reset" : "") + " @" + this.token;
	}

}
