package io.entanglement.engine;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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

	final LongAdder delivered = new LongAdder();

	final LongAdder coalesced = new LongAdder();

	final LongAdder denied = new LongAdder();

	final LongAdder refusedFromPeers = new LongAdder();

	final LongAdder resyncs = new LongAdder();

	final LongAdder loadsFailed = new LongAdder();

	private final Map<String, LongAdder> proposals = new ConcurrentHashMap<>();

	void recordProposal(String outcome) {
		this.proposals.computeIfAbsent(outcome, (key) -> new LongAdder()).increment();
	}

	void loadFailed() {
		this.loadsFailed.increment();
	}

	void recordWrite(int frameCount, int changeCount, int byteCount) {
		if (frameCount > 0) {
			this.writes.increment();
			this.frames.add(frameCount);
			this.delivered.add(changeCount);
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
	 * Times a gap in the commits heard from other instances was filled from the change
	 * log.
	 * @return the count
	 */
	public long resyncs() {
		return this.resyncs.sum();
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
	 * Changes sent to sessions.
	 * @return the count
	 */
	public long delivered() {
		return this.delivered.sum();
	}

	/**
	 * Pending changes replaced by a newer state of the same object before they were sent.
	 * @return the count
	 */
	public long coalesced() {
		return this.coalesced.sum();
	}

	/**
	 * Changes a candidate session was not offered because the policy denied it.
	 * @return the count
	 */
	public long denied() {
		return this.denied.sum();
	}

	/**
	 * Changes from upstream peers that were refused: objects this node owns or holds
	 * authoritatively, or that it learned from another peer (in a ring, every object
	 * comes back to where it started and is refused there).
	 * @return the count
	 */
	public long refusedFromPeers() {
		return this.refusedFromPeers.sum();
	}

	/**
	 * Proposals answered, by outcome: {@code accepted} or the rejection code.
	 * @return the counts
	 */
	public Map<String, Long> proposals() {
		Map<String, Long> counts = new TreeMap<>();
		this.proposals.forEach((outcome, count) -> counts.put(outcome, count.sum()));
		return counts;
	}

	/**
	 * Subscriptions reset because they fell too far behind.
	 * @return the count
	 */
	public long resets() {
		return this.resets.sum();
	}

	/**
	 * Subscriptions ended because their objects could not be loaded.
	 * @return the count
	 */
	public long loadsFailed() {
		return this.loadsFailed.sum();
	}

}
