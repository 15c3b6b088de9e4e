package io.entanglement.engine;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the engine's work, cheap enough for the fan-out path.
 *
 * @author Entanglement
 */
public final class SyncMetrics {

	final LongAdder commits = new LongAdder();

	final LongAdder offered = new LongAdder();

	final LongAdder frames = new LongAdder();

	final LongAdder bytes = new LongAdder();

	final LongAdder writes = new LongAdder();

	final LongAdder resets = new LongAdder();

	void recordWrite(int frameCount, int byteCount) {
		if (frameCount > 0) {
			this.writes.increment();
			this.frames.add(frameCount);
			this.bytes.add(byteCount);
		}
	}

	/**
	 * Committed transactions that changed synchronized objects.
	 * @return the count
	 */
	public long commits() {
		return this.commits.sum();
	}

	/**
	 * Changes queued for a session (before coalescing).
	 * @return the count
	 */
	public long offered() {
		return this.offered.sum();
	}

	/**
	 * Batches sent.
	 * @return the count
	 */
	public long frames() {
		return this.frames.sum();
	}

	/**
	 * Bytes of batch bodies sent.
	 * @return the count
	 */
	public long bytes() {
		return this.bytes.sum();
	}

	/**
	 * Network writes made.
	 * @return the count
	 */
	public long writes() {
		return this.writes.sum();
	}

	/**
	 * Subscriptions reset because they fell too far behind.
	 * @return the count
	 */
	public long resets() {
		return this.resets.sum();
	}

}
