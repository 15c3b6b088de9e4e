package io.entanglement.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.entanglement.InvalidRequestException;
import io.entanglement.SyncException;
import io.entanglement.SyncViewer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The coalescing queue of one connection. Pending changes are held per subscription and
 * object, so a busy or slow connection holds at most one state per object it can see. A
 * batch is released when the connection has drained the previous one, at once if it is
 * idle, within the connection's byte budget.
 * <p>
 * Each outbox has its own lock; no lock is shared between sessions.
 *
 * @author Entanglement
 */
public final class SessionOutbox {

	private static final Log logger = LogFactory.getLog(SessionOutbox.class);

	/**
	 * What a STOMP MESSAGE frame adds around a batch body besides its destination,
	 * subscription id and token (command, header names, message id, content type and
	 * length, terminator, WebSocket frame header), rounded up: the budget must not
	 * undercount the wire.
	 */
	private static final int FRAMING_BYTES = 200;

	/**
	 * The budget saved up while idle, in fractions of a second: a link as slow as the
	 * budget would otherwise buffer a burst and hold every later change that much longer.
	 */
	private static final int BURST_FRACTION = 16;

	private static final int IDLE = 0;

	private static final int SCHEDULED = 1;

	private static final int WRITING = 2;

	private static final int CLOSED = 3;

	/** Subscriptions one session may hold at once. */
	static final int MAX_SUBSCRIPTIONS = 256;

	private final SyncManager manager;

	private final SyncViewer viewer;

	private final SessionTransport transport;

	private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();

	/**
	 * {@link #IDLE}, {@link #SCHEDULED}, {@link #WRITING} or {@link #CLOSED}. A number,
	 * not an enum: the state changes on every write, and storing a reference in a
	 * long-lived object costs the garbage collector a card to scan.
	 */
	private int state = IDLE;

	/**
	 * Confined to the dispatcher thread: already listed for a flush after this fan-out.
	 */
	boolean touched;

	private long lastFlushNanos;

	/** The {@link WritePacer} period in which this session was last written to. */
	long pacerEpoch = -1;

	/** Transition updates wait until then, so they leave at most at the set rate. */
	private long nextTransitionNanos = System.nanoTime();

	private double allowance;

	private long allowanceNanos;

	/** This session's byte budget per second, zero for none. */
	private final long maxBytesPerSecond;

	SessionOutbox(SyncManager manager, SyncViewer viewer, SessionTransport transport, long maxBytesPerSecond) {
		this.manager = manager;
		this.viewer = viewer;
		this.transport = transport;
		this.maxBytesPerSecond = maxBytesPerSecond;
		this.allowance = burst(maxBytesPerSecond);
		this.allowanceNanos = System.nanoTime();
	}

	SyncMetrics metrics() {
		return this.manager.metrics();
	}

	/**
	 * The connection this outbox serves.
	 * @return the viewer
	 */
	public SyncViewer viewer() {
		return this.viewer;
	}

	/**
	 * This session's byte budget per second: the node's cap, or the lower one the client
	 * asked for.
	 * @return bytes per second, zero for no budget
	 */
	public long maxBytesPerSecond() {
		return this.maxBytesPerSecond;
	}

	/**
	 * The number of subscriptions of this session.
	 * @return the count
	 */
	public synchronized int subscriptionCount() {
		return this.subscriptions.size();
	}

	/**
	 * What this outbox holds, for operators.
	 * @return one entry per subscription
	 */
	public synchronized List<SubscriptionInfo> subscriptions() {
		List<SubscriptionInfo> infos = new ArrayList<>(this.subscriptions.size());
		for (Subscription subscription : this.subscriptions.values()) {
			infos.add(new SubscriptionInfo(subscription.id, subscription.type.name(), subscription.filter,
					subscription.pending.size() + subscription.transitions.size(), subscription.loading,
					subscription.token));
		}
		return infos;
	}

	/**
	 * One subscription as operators see it.
	 *
	 * @param id the client's subscription id
	 * @param type the type name
	 * @param filter the subscription's filter
	 * @param pending the changes waiting to be sent
	 * @param loading whether its snapshot or catch-up is being loaded
	 * @param token the token of what the client has fully received
	 */
	public record SubscriptionInfo(String id, String type, Map<String, String> filter, int pending, boolean loading,
			String token) {
	}

	/**
	 * The number of changes waiting to be sent, over all subscriptions.
	 * @return the pending count
	 */
	public synchronized int pendingCount() {
		int count = 0;
		for (Subscription subscription : this.subscriptions.values()) {
			count += subscription.pending.size();
		}
		return count;
	}

	synchronized @Nullable Subscription add(String subscriptionId, SyncType type, String token,
			Map<String, String> filter, boolean patches) {
		if (this.state == CLOSED || this.subscriptions.containsKey(subscriptionId)) {
			return null;
		}
		if (this.subscriptions.size() >= MAX_SUBSCRIPTIONS) {
			// Each subscription loads a snapshot: a session may not multiply them without
			// bound.
			throw new InvalidRequestException("A session may hold at most " + MAX_SUBSCRIPTIONS + " subscriptions");
		}
		Subscription subscription = new Subscription(this, subscriptionId, type, token, filter, patches);
		this.subscriptions.put(subscriptionId, subscription);
		return subscription;
	}

	synchronized @Nullable Subscription remove(String subscriptionId) {
		Subscription subscription = this.subscriptions.remove(subscriptionId);
		if (subscription != null) {
			subscription.end();
		}
		return subscription;
	}

	/**
	 * Remove a subscription if it is still the one under its id.
	 * @return whether it was
	 */
	synchronized boolean remove(Subscription subscription) {
		if (!this.subscriptions.remove(subscription.id, subscription)) {
			return false;
		}
		subscription.end();
		return true;
	}

	/**
	 * Tell the client the server ended one of its subscriptions.
	 */
	void ended(Subscription subscription, SyncException reason) {
		try {
			this.transport.ended(subscription.id, subscription.type.name(), reason);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not tell session " + this.viewer.sessionId() + " its subscription ended", ex);
		}
	}

	synchronized List<Subscription> close() {
		this.state = CLOSED;
		List<Subscription> removed = new ArrayList<>(this.subscriptions.values());
		removed.forEach(Subscription::end);
		this.subscriptions.clear();
		return removed;
	}

	/**
	 * Queue a change; the caller asks for a flush once it has queued everything it has.
	 * @return whether a flush is needed
	 */
	synchronized boolean offer(Subscription subscription, EncodedChange change) {
		if (subscription.closed || !subscription.offer(change) || subscription.loading) {
			return false;
		}
		if (subscription.pending.size() > subscription.pendingLimit) {
			this.manager.metrics().resets.increment();
			restartLocked(subscription);
			return false;
		}
		return true;
	}

	/**
	 * Ask for a flush, for the dispatcher, which hands the flushes due at once over
	 * together after a fan-out.
	 * @return the flush to run now, or {@code null} if one is already scheduled or this
	 * one is delayed (then it is timed here)
	 */
	synchronized @Nullable Runnable flushSoon() {
		if (this.state != IDLE) {
			return null;
		}
		this.state = SCHEDULED;
		long delay = Math.max(flushIntervalDelay(), budgetDelay());
		if (delay <= 0) {
			return this::flush;
		}
		this.manager.flushAfter(this::flush, delay);
		return null;
	}

	synchronized void loaded(Subscription subscription, List<EncodedChange> changes, boolean reset, long settleSeq) {
		if (subscription.closed) {
			return;
		}
		if (subscription.restartAfterLoad) {
			restartLocked(subscription);
			return;
		}
		subscription.merge(changes, reset, settleSeq, this.manager.settings().maxPending());
		scheduleFlushLocked();
	}

	/**
	 * What the client holds of a subscription can no longer be trusted: send
	 * {@code reset} with a fresh snapshot, now or, if a load is in progress, once it is
	 * done (it may have read the store before the cause).
	 */
	synchronized void restart(Subscription subscription) {
		if (subscription.closed) {
			return;
		}
		if (subscription.loading) {
			subscription.restartAfterLoad = true;
			return;
		}
		restartLocked(subscription);
	}

	/**
	 * The client fell too far behind: drop its backlog and send {@code reset} with a
	 * fresh snapshot instead.
	 */
	private void restartLocked(Subscription subscription) {
		subscription.restart();
		this.manager.load(subscription, null, true);
	}

	private void scheduleFlushLocked() {
		Runnable now = flushSoon();
		if (now != null) {
			this.manager.flushExecutor().execute(now);
		}
	}

	private long flushIntervalDelay() {
		long interval = Math.max(this.manager.settings().flushIntervalNanos(), this.manager.pacer().delayNanos());
		return (interval > 0) ? this.lastFlushNanos + interval - System.nanoTime() : 0;
	}

	private static double burst(long rate) {
		return (double) rate / BURST_FRACTION;
	}

	private long budgetDelay() {
		long rate = this.maxBytesPerSecond;
		if (rate <= 0) {
			return 0;
		}
		refill(rate);
		return (this.allowance >= 0) ? 0 : (long) (-this.allowance * 1_000_000_000d / rate) + 1;
	}

	private void refill(long rate) {
		long now = System.nanoTime();
		this.allowance = Math.min(burst(rate), this.allowance + (now - this.allowanceNanos) * rate / 1_000_000_000d);
		this.allowanceNanos = now;
	}

	void flush() {
		List<SyncFrame> frames;
		synchronized (this) {
			if (this.state != SCHEDULED) {
				return;
			}
			long delay = budgetDelay();
			if (delay > 0) {
				this.manager.flushAfter(this::flush, delay);
				return;
			}
			frames = drainLocked();
			if (frames.isEmpty()) {
				this.state = IDLE;
				if (transitionsWaitingLocked()) {
					this.state = SCHEDULED;
					this.manager.flushAfter(this::flush, Math.max(1, this.nextTransitionNanos - System.nanoTime()));
				}
				return;
			}
			this.state = WRITING;
			this.lastFlushNanos = System.nanoTime();
			this.manager.pacer().wrote(this);
		}
		try {
			this.transport.send(frames, this::written);
		}
		catch (RuntimeException ex) {
			logger.debug("Failed to write to session " + this.viewer.sessionId(), ex);
			written();
		}
	}

	/**
	 * The subscriptions in the order they are served: higher priority first, then in
	 * turn.
	 */
	private Iterable<Subscription> inOrder() {
		Collection<Subscription> all = this.subscriptions.values();
		int priority = Integer.MIN_VALUE;
		boolean ordered = true;
		for (Subscription subscription : all) {
			if (subscription.type.priority() > priority && priority != Integer.MIN_VALUE) {
				ordered = false;
				break;
			}
			priority = subscription.type.priority();
		}
		if (ordered) {
			return all;
		}
		List<Subscription> sorted = new ArrayList<>(all);
		sorted.sort(Comparator.comparingInt((Subscription subscription) -> subscription.type.priority()).reversed());
		return sorted;
	}

	/**
	 * Whether a subscription must wait for this session's subscriptions to its parent
	 * types: until their snapshot or catch-up has been sent.
	 */
	private boolean waitsForParents(Subscription subscription) {
		if (subscription.type.parentTypes().isEmpty()) {
			return false;
		}
		for (Subscription other : this.subscriptions.values()) {
			if (other != subscription && subscription.type.parentTypes().contains(other.type.name())
					&& (other.loading || other.syncPending)) {
				return true;
			}
		}
		return false;
	}

	private boolean transitionsWaitingLocked() {
		for (Subscription subscription : this.subscriptions.values()) {
			if (subscription.hasTransitionsWaiting()) {
				return true;
			}
		}
		return false;
	}

	private List<SyncFrame> drainLocked() {
		long rate = this.maxBytesPerSecond;
		int maxWrite = this.manager.settings().maxWriteBytes();
		int budget = (rate > 0) ? (int) Math.min(maxWrite, Math.max(1, this.allowance)) : maxWrite;
		List<SyncFrame> frames = new ArrayList<>(2);
		List<Subscription> served = new ArrayList<>(2);
		int written = 0;
		long now = System.nanoTime();
		boolean transitionsDue = now - this.nextTransitionNanos >= 0;
		boolean transitionsSent = false;
		for (Subscription subscription : inOrder()) {
			if (waitsForParents(subscription)) {
				continue;
			}
			SyncClock clock = subscription.type.clock();
			long watermark = clock.watermark();
			String watermarkToken = clock.token(watermark);
			subscription.settle(watermark);
			while (subscription.hasWork(transitionsDue) && (frames.isEmpty() || written < budget)) {
				transitionsSent |= transitionsDue && !subscription.transitions.isEmpty();
				SyncFrame frame = subscription.drain(Math.max(1, budget - written), watermarkToken,
						this.manager.settings().maxPending(), transitionsDue);
				frames.add(frame);
				written += frame.bodyLength() + framingBytes(frame);
				if (served.isEmpty() || served.get(served.size() - 1) != subscription) {
					served.add(subscription);
				}
			}
		}
		// Served subscriptions go to the back: under a byte budget a write may hold
		// one frame only, and a busy first subscription must not starve the others.
		for (Subscription subscription : (this.subscriptions.size() > 1) ? served : List.<Subscription>of()) {
			this.subscriptions.remove(subscription.id);
			this.subscriptions.put(subscription.id, subscription);
		}
		if (transitionsSent) {
			this.nextTransitionNanos = now + this.manager.settings().transitionIntervalNanos();
		}
		if (rate > 0) {
			this.allowance -= written;
		}
		int changes = 0;
		for (SyncFrame frame : frames) {
			changes += frame.changeCount();
		}
		this.manager.metrics().recordWrite(frames.size(), changes, written);
		return frames;
	}

	/**
	 * What a transport adds around a batch body (STOMP headers and terminator), charged
	 * to the byte budget so the budget holds for wire bytes, not only bodies.
	 */
	private static int framingBytes(SyncFrame frame) {
		return FRAMING_BYTES + frame.destination().length() + frame.subscriptionId().length() + frame.token().length();
	}

	private void written() {
		synchronized (this) {
			if (this.state != WRITING) {
				return;
			}
			this.state = IDLE;
			for (Subscription subscription : this.subscriptions.values()) {
				if (subscription.hasWork(false) || subscription.hasTransitionsWaiting()) {
					scheduleFlushLocked();
					return;
				}
			}
		}
	}

}
