package io.entanglement.autoconfigure;

import java.util.List;
import java.util.function.ToDoubleFunction;

import io.entanglement.engine.SessionOutbox;
import io.entanglement.engine.SyncManager;
import io.entanglement.engine.SyncMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The engine's counters and gauges as Micrometer meters, all named
 * {@code entanglement.*}.
 *
 * @author Entanglement
 */
final class EntanglementMeters implements MeterBinder {

	private final SyncManager manager;

	/**
	 * Every outcome a proposal can have: accepted, or a rejection code of the contract.
	 */
	private static final List<String> OUTCOMES = List.of("accepted", "forbidden", "conflict", "invalid", "not-found",
			"unknown-type", "owner-unreachable", "timeout", "transition-broken");

	EntanglementMeters(SyncManager manager) {
		this.manager = manager;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		SyncMetrics metrics = this.manager.metrics();
		counter(registry, "entanglement.commits", "Committed transactions that changed synchronized objects", metrics,
				SyncMetrics::commits);
		counter(registry, "entanglement.changes.offered", "Changes queued for sessions, before coalescing", metrics,
				SyncMetrics::offered);
		counter(registry, "entanglement.changes.delivered", "Changes sent to sessions", metrics,
				SyncMetrics::delivered);
		counter(registry, "entanglement.changes.coalesced",
				"Pending changes replaced by a newer state of the same object before they were sent", metrics,
				SyncMetrics::coalesced);
		counter(registry, "entanglement.frames", "Batches sent", metrics, SyncMetrics::frames);
		counter(registry, "entanglement.bytes", "Bytes of batch bodies sent", metrics, SyncMetrics::bytes);
		counter(registry, "entanglement.writes", "Network writes made", metrics, SyncMetrics::writes);
		counter(registry, "entanglement.resets", "Subscriptions reset because they fell too far behind", metrics,
				SyncMetrics::resets);
		counter(registry, "entanglement.subscriptions.failed",
				"Subscriptions ended because their objects could not be loaded", metrics, SyncMetrics::loadsFailed);
		counter(registry, "entanglement.policy.denials", "Policy decisions that kept a change from a session", metrics,
				SyncMetrics::denied);
		Gauge.builder("entanglement.sessions", this.manager, (manager) -> manager.outboxes().size())
			.description("Open sessions")
			.register(registry);
		Gauge.builder("entanglement.subscriptions", this.manager, sum(SessionOutbox::subscriptionCount))
			.description("Subscriptions of open sessions")
			.register(registry);
		Gauge.builder("entanglement.pending", this.manager, sum(SessionOutbox::pendingCount))
			.description("Changes waiting to be sent, over all sessions")
			.register(registry);
		Gauge.builder("entanglement.commits.open", this.manager, SyncManager::openCommits)
			.description("Transactions numbered and not yet fanned out")
			.register(registry);
		Gauge.builder("entanglement.encodings.kept", this.manager, SyncManager::keptEncodings)
			.description("Objects whose newest encoding is kept in memory, over all types")
			.register(registry);
		for (String outcome : OUTCOMES) {
			FunctionCounter
				.builder("entanglement.proposals", metrics, (counts) -> counts.proposals().getOrDefault(outcome, 0L))
				.description("Proposals answered, by outcome: accepted or the rejection code")
				.tag("outcome", outcome)
				.register(registry);
		}
	}

	private static void counter(MeterRegistry registry, String name, String description, SyncMetrics metrics,
			ToDoubleFunction<SyncMetrics> value) {
		FunctionCounter.builder(name, metrics, value).description(description).register(registry);
	}

	private static ToDoubleFunction<SyncManager> sum(ToDoubleFunction<SessionOutbox> perOutbox) {
		return (manager) -> {
			double total = 0;
			for (SessionOutbox outbox : manager.outboxes()) {
				total += perOutbox.applyAsDouble(outbox);
			}
			return total;
		};
	}

}
