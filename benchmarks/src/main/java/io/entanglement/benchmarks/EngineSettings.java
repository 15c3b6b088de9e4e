package io.entanglement.benchmarks;

import io.entanglement.engine.SyncSettings;

/**
 * The engine's settings for the fan-out benchmarks.
 *
 * @author Entanglement
 */
final class EngineSettings {

	private EngineSettings() {
	}

	/**
	 * {@link SyncSettings#defaults()}, with writes not paced. Pacing spaces out each
	 * session's writes while all sessions together ask for more than
	 * {@value SyncSettings#DEFAULT_MAX_WRITES_PER_SECOND} a second, which the fan-out
	 * benchmarks do by design: paced, they would measure the pacing instead of the
	 * fan-out.
	 * @return the settings
	 */
	static SyncSettings unpaced() {
		SyncSettings d = SyncSettings.defaults();
		return new SyncSettings(d.flushInterval(), d.maxBytesPerSecond(), d.maxPending(), d.maxWriteBytes(),
				d.tombstoneRetention(), d.nodeId(), d.proposalTimeout(), d.transitionTtl(), d.transitionMaxRate(), 0,
				d.maxCoalesceDelay(), d.keptPerType());
	}

}
