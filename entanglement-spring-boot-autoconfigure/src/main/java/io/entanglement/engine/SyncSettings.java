package io.entanglement.engine;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * The engine's tuning, fixed at start.
 *
 * @param flushInterval minimum time between two flushes to one session, zero to flush
 * whenever the connection is idle
 * @param maxBytesPerSecond byte budget per session, zero for none
 * @param maxPending distinct pending objects per subscription before it is reset
 * @param maxWriteBytes target size of one network write
 * @param tombstoneRetention how long deletes stay available to catch-up
 * @param nodeId the id of this node, owner of objects without another owner
 * @param proposalTimeout how long a user owner has to answer a forwarded proposal
 * @param transitionTtl how long a transition lives without activity
 * @param transitionMaxRate how many frames of transition updates a session receives per
 * second at most
 * @param maxWritesPerSecond writes per second across all sessions above which each
 * session's writes are spaced out, zero to write to every session as soon as it is idle
 * @param maxCoalesceDelay the longest spacing between two writes to one session that
 * {@code maxWritesPerSecond} may impose
 * @param keptPerType how many objects per type keep their newest encoding in memory
 * @author Entanglement
 */
public record SyncSettings(Duration flushInterval, long maxBytesPerSecond, int maxPending, int maxWriteBytes,
		Duration tombstoneRetention, String nodeId, Duration proposalTimeout, Duration transitionTtl,
		int transitionMaxRate, int maxWritesPerSecond, Duration maxCoalesceDelay, int keptPerType) {

	/** The default transition time to live. */
	public static final Duration DEFAULT_TRANSITION_TTL = Duration.ofSeconds(10);

	/** The default transition rate per session. */
	public static final int DEFAULT_TRANSITION_MAX_RATE = 20;

	/** The default write rate across all sessions above which writes are spaced out. */
	public static final int DEFAULT_MAX_WRITES_PER_SECOND = 25_000;

	/** The default longest spacing between two writes to one session. */
	public static final Duration DEFAULT_MAX_COALESCE_DELAY = Duration.ofMillis(50);

	/** The default number of objects per type whose newest encoding is kept. */
	public static final int DEFAULT_KEPT_PER_TYPE = 100_000;

	/**
	 * Validate the settings.
	 */
	public SyncSettings {
		Assert.isTrue(!flushInterval.isNegative(), "'flushInterval' must not be negative");
		Assert.isTrue(maxBytesPerSecond >= 0, "'maxBytesPerSecond' must not be negative");
		Assert.isTrue(maxPending > 0, "'maxPending' must be positive");
		Assert.isTrue(maxWriteBytes >= 1024, "'maxWriteBytes' must be at least 1024");
		Assert.hasText(nodeId, "'nodeId' must not be empty");
		Assert.isTrue(!proposalTimeout.isNegative() && !proposalTimeout.isZero(), "'proposalTimeout' must be positive");
		Assert.isTrue(!tombstoneRetention.isNegative() && !tombstoneRetention.isZero(),
				"'tombstoneRetention' must be positive");
		Assert.isTrue(!transitionTtl.isNegative() && !transitionTtl.isZero(), "'transitionTtl' must be positive");
		Assert.isTrue(transitionMaxRate > 0, "'transitionMaxRate' must be positive");
		Assert.isTrue(maxWritesPerSecond >= 0, "'maxWritesPerSecond' must not be negative");
		Assert.isTrue(!maxCoalesceDelay.isNegative(), "'maxCoalesceDelay' must not be negative");
		Assert.isTrue(keptPerType > 0, "'keptPerType' must be positive");
	}

	/**
	 * Settings that keep the default number of encodings per type.
	 * @param flushInterval minimum time between two flushes to one session
	 * @param maxBytesPerSecond byte budget per session, zero for none
	 * @param maxPending distinct pending objects per subscription before it is reset
	 * @param maxWriteBytes target size of one network write
	 * @param tombstoneRetention how long deletes stay available to catch-up
	 * @param nodeId the id of this node
	 * @param proposalTimeout how long a user owner has to answer a forwarded proposal
	 * @param transitionTtl how long a transition lives without activity
	 * @param transitionMaxRate how many frames of transition updates a session receives
	 * per second at most
	 * @param maxWritesPerSecond writes per second across all sessions above which each
	 * session's writes are spaced out
	 * @param maxCoalesceDelay the longest spacing between two writes to one session
	 */
	public SyncSettings(Duration flushInterval, long maxBytesPerSecond, int maxPending, int maxWriteBytes,
			Duration tombstoneRetention, String nodeId, Duration proposalTimeout, Duration transitionTtl,
			int transitionMaxRate, int maxWritesPerSecond, Duration maxCoalesceDelay) {
		this(flushInterval, maxBytesPerSecond, maxPending, maxWriteBytes, tombstoneRetention, nodeId, proposalTimeout,
				transitionTtl, transitionMaxRate, maxWritesPerSecond, maxCoalesceDelay, DEFAULT_KEPT_PER_TYPE);
	}

	/**
	 * Settings with the default write pacing.
	 * @param flushInterval minimum time between two flushes to one session
	 * @param maxBytesPerSecond byte budget per session, zero for none
	 * @param maxPending distinct pending objects per subscription before it is reset
	 * @param maxWriteBytes target size of one network write
	 * @param tombstoneRetention how long deletes stay available to catch-up
	 * @param nodeId the id of this node
	 * @param proposalTimeout how long a user owner has to answer a forwarded proposal
	 * @param transitionTtl how long a transition lives without activity
	 * @param transitionMaxRate how many frames of transition updates a session receives
	 * per second at most
	 */
	public SyncSettings(Duration flushInterval, long maxBytesPerSecond, int maxPending, int maxWriteBytes,
			Duration tombstoneRetention, String nodeId, Duration proposalTimeout, Duration transitionTtl,
			int transitionMaxRate) {
		this(flushInterval, maxBytesPerSecond, maxPending, maxWriteBytes, tombstoneRetention, nodeId, proposalTimeout,
				transitionTtl, transitionMaxRate, DEFAULT_MAX_WRITES_PER_SECOND, DEFAULT_MAX_COALESCE_DELAY);
	}

	/**
	 * Settings with the default transition settings.
	 * @param flushInterval minimum time between two flushes to one session
	 * @param maxBytesPerSecond byte budget per session, zero for none
	 * @param maxPending distinct pending objects per subscription before it is reset
	 * @param maxWriteBytes target size of one network write
	 * @param tombstoneRetention how long deletes stay available to catch-up
	 * @param nodeId the id of this node
	 * @param proposalTimeout how long a user owner has to answer a forwarded proposal
	 */
	public SyncSettings(Duration flushInterval, long maxBytesPerSecond, int maxPending, int maxWriteBytes,
			Duration tombstoneRetention, String nodeId, Duration proposalTimeout) {
		this(flushInterval, maxBytesPerSecond, maxPending, maxWriteBytes, tombstoneRetention, nodeId, proposalTimeout,
				DEFAULT_TRANSITION_TTL, DEFAULT_TRANSITION_MAX_RATE);
	}

	/**
	 * Defaults suitable for tests and small deployments.
	 * @return the defaults
	 */
	public static SyncSettings defaults() {
		return new SyncSettings(Duration.ZERO, 0, 10_000, 32 * 1024, Duration.ofDays(7), "node",
				Duration.ofSeconds(10));
	}

	long transitionIntervalNanos() {
		return 1_000_000_000L / this.transitionMaxRate;
	}

	long flushIntervalNanos() {
		return this.flushInterval.toNanos();
	}

}
