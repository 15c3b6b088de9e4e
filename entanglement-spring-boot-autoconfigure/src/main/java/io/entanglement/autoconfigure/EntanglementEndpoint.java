package io.entanglement.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

import io.entanglement.engine.SessionOutbox;
import io.entanglement.engine.SyncManager;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code entanglement} Actuator endpoint: the synchronized types, the open sessions
 * with their subscriptions and queue depths, and the engine's counters.
 *
 * @author Entanglement
 */
@Endpoint(id = "entanglement")
public class EntanglementEndpoint {

	private final SyncManager manager;

	private final String nodeId;

	private final Supplier<@Nullable ClusterState> cluster;

	EntanglementEndpoint(SyncManager manager, String nodeId) {
		this(manager, nodeId, () -> null);
	}

	EntanglementEndpoint(SyncManager manager, String nodeId, Supplier<@Nullable ClusterState> cluster) {
		this.manager = manager;
		this.nodeId = nodeId;
		this.cluster = cluster;
	}

	/**
	 * The engine as operators see it.
	 * @return the report
	 */
	@ReadOperation
	public Report report() {
		List<SessionReport> sessions = new ArrayList<>();
		for (SessionOutbox outbox : this.manager.outboxes()) {
			sessions
				.add(new SessionReport(outbox.viewer().sessionId(), outbox.viewer().name(), outbox.subscriptions()));
		}
		var metrics = this.manager.metrics();
		Map<String, Object> counters = new java.util.LinkedHashMap<>();
		counters.put("commits", metrics.commits());
		counters.put("offered", metrics.offered());
		counters.put("delivered", metrics.delivered());
		counters.put("coalesced", metrics.coalesced());
		counters.put("frames", metrics.frames());
		counters.put("bytes", metrics.bytes());
		counters.put("writes", metrics.writes());
		counters.put("resets", metrics.resets());
		counters.put("failedSubscriptions", metrics.loadsFailed());
		counters.put("policyDenials", metrics.denied());
		counters.put("proposals", metrics.proposals());
		ClusterState cluster = this.cluster.get();
		return new Report(this.nodeId, new TreeSet<>(this.manager.types()), this.manager.watermark(),
				this.manager.openCommits(), sessions, counters, (cluster != null) ? cluster.details() : null);
	}

	/**
	 * The endpoint's report.
	 *
	 * @param nodeId this node's id
	 * @param types the synchronized types
	 * @param watermark the sequence number every session has been offered up to
	 * @param openCommits transactions numbered and not yet fanned out
	 * @param sessions the open sessions
	 * @param counters the engine's counters since start
	 * @param cluster this instance's link to the other instances sharing the broker,
	 * {@code null} without {@code entanglement.relay.enabled}
	 */
	public record Report(String nodeId, TreeSet<String> types, long watermark, int openCommits,
			List<SessionReport> sessions, Map<String, Object> counters, @Nullable Map<String, Object> cluster) {
	}

	/**
	 * One session.
	 *
	 * @param id the session id
	 * @param user the principal name, {@code null} for anonymous sessions
	 * @param subscriptions its subscriptions
	 */
	public record SessionReport(String id, @Nullable String user, List<SessionOutbox.SubscriptionInfo> subscriptions) {
	}

}
