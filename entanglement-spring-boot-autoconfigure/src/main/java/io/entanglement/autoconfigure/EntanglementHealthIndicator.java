package io.entanglement.autoconfigure;

import io.entanglement.engine.ChangeLog;
import io.entanglement.engine.SyncManager;

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

	EntanglementHealthIndicator(SyncManager manager, ChangeLog changeLog) {
		super("Entanglement health check failed");
		this.manager = manager;
		this.changeLog = changeLog;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		long seq = this.changeLog.currentSeq();
		builder.up()
			.withDetail("sessions", this.manager.outboxes().size())
			.withDetail("watermark", this.manager.watermark())
			.withDetail("committedSeq", seq)
			.withDetail("openCommits", this.manager.openCommits());
	}

}
