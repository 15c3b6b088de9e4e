package io.entanglement.autoconfigure;

import java.util.function.Supplier;

import io.entanglement.engine.ChangeLog;
import io.entanglement.engine.SyncManager;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Up while the change log answers; reports the sessions and the commits waiting to be
 * fanned out.
 *
 * @author Entanglement
 */
final class EntanglementHealthIndicator extends AbstractHealthIndicator {

	private final SyncManager manager;

	private final ChangeLog changeLog;

	private final Supplier<@Nullable ClusterState> cluster;

	EntanglementHealthIndicator(SyncManager manager, ChangeLog changeLog) {
		this(manager, changeLog, () -> null);
	}

	EntanglementHealthIndicator(SyncManager manager, ChangeLog changeLog, Supplier<@Nullable ClusterState> cluster) {
		super("Entanglement health check failed");
		this.manager = manager;
		this.changeLog = changeLog;
		this.cluster = cluster;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		long seq = this.changeLog.currentSeq();
		builder.up()
			.withDetail("sessions", this.manager.outboxes().size())
			.withDetail("watermark", this.manager.watermark())
			.withDetail("committedSeq", seq)
			.withDetail("openCommits", this.manager.openCommits());
		ClusterState cluster = this.cluster.get();
		if (cluster != null) {
			builder.withDetail("cluster", cluster.details());
			if (!cluster.isBrokerAvailable()) {
				// Sessions here still get this instance's commits, but neither the other
				// instances' nor replies through the broker: take it out of rotation.
				builder.outOfService();
			}
		}
	}

}
