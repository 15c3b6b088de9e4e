package io.entanglement.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.entanglement.AccessScope;
import io.entanglement.ForbiddenException;
import io.entanglement.InvalidRequestException;
import io.entanglement.MandatoryAccessControl;
import io.entanglement.NotFoundException;
import io.entanglement.ObjectKey;
import io.entanglement.OwnerDecision;
import io.entanglement.Proposal;
import io.entanglement.ProposalReply;
import io.entanglement.SyncChange;
import io.entanglement.SyncException;
import io.entanglement.SyncPolicy;
import io.entanglement.StoreContext;
import io.entanglement.SyncStore;
import io.entanglement.SyncViewer;
import io.entanglement.UnavailableException;
import io.entanglement.UnknownTypeException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.util.Assert;

/**
 * The single choke point of Entanglement: every committed change enters here, is
 * numbered, checked against the {@link SyncPolicy} for each subscriber, and queued in the
 * subscribers' {@link SessionOutbox outboxes}; every subscription, snapshot and catch-up
 * is served from here.
 * <p>
 * Committed changes are fanned out by one dispatcher thread in commit order. The fan-out
 * touches only the subscriptions of the changed type and each session's own lock.
 *
 * @author Entanglement
 */
public class SyncManager implements InitializingBean, DisposableBean {

	/** The destination prefix clients subscribe under. */
	public static final String DESTINATION_PREFIX = "/entanglement/";

	private static final int MAX_FILTER_ATTRIBUTES = 8;

	/** Attempts at loading a subscription before it ends: about 15 seconds of trying. */
	static final int LOAD_ATTEMPTS = 5;

	/** Subscriptions one load thread takes at a time. */
	private static final int LOAD_BATCH = 32;

	private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,100}");

	private static final Log logger = LogFactory.getLog(SyncManager.class);

	private final SyncPolicy policy;

	private final ChangeLog changeLog;

	private final ChangeEncoder encoder;

	private final SyncSettings settings;

	private final SyncMetrics metrics = new SyncMetrics();

	private final Map<String, SyncType> types = new ConcurrentHashMap<>();

	/** Numbers the commits of types stored in the database. */
	private final SyncClock clock;

	/** Numbers the changes of types held in memory, for the node's lifetime. */
	private final MemoryChangeLog memoryLog = new MemoryChangeLog();

	private final SyncClock memoryClock = new SyncClock(this.memoryLog);

	/**
	 * Confined to the dispatcher thread: outboxes to flush once the current fan-out is
	 * done.
	 */
	private final List<SessionOutbox> touched = new ArrayList<>();

	private final ExecutorService dispatcher;

	private final ExecutorService flushExecutor;

	private final ExecutorService loadExecutor;

	private final ScheduledExecutorService scheduler;

	private final FlushTimer flushTimer;

	private final WritePacer pacer;

	private final ProposalService proposals;

	private final TransitionService transitions = new TransitionService();

	private final Map<SessionOutbox, Boolean> outboxes = new ConcurrentHashMap<>();

	/** The open sessions of each user, to tell stores when a user's last one closes. */
	private final Map<String, Set<String>> sessionsByUser = new ConcurrentHashMap<>();

	private final List<Consumer<String>> userLeftListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

	private volatile @Nullable SessionNotices notices;

	private volatile PeerState peers = new MemoryPeerState();

	private volatile @Nullable UpstreamChannel upstreams;

	private volatile @Nullable ClusterLink cluster;

	private volatile String instanceId = "";

	/** Evicts what the policy caches about objects; {@code null} means everything. */
	private volatile Consumer<@Nullable List<ObjectKey>> accessInvalidation = (keys) -> {
	};

	private volatile Duration loadRetryDelay = Duration.ofSeconds(1);

	/** Subscriptions waiting for their snapshot or catch-up, in the order they asked. */
	private final Queue<PendingLoad> pendingLoads = new ConcurrentLinkedQueue<>();

	/** The watermark last seen stalled below the committed sequence, or -1. */
	private long stalledAt = -1;

	/**
	 * Create a manager.
	 * @param policy decides who sees what
	 * @param changeLog the durable change sequence
	 * @param encoder encodes each change once
	 * @param settings the tuning
	 */
	public SyncManager(SyncPolicy policy, ChangeLog changeLog, ChangeEncoder encoder, SyncSettings settings) {
		this(policy, null, changeLog, encoder, settings);
	}

	/**
	 * Create a manager whose policy is preceded by mandatory access control.
	 * @param policy decides who sees what, where mandatory access control allows it
	 * @param mac the mandatory access decision, {@code null} for none
	 * @param changeLog the durable change sequence
	 * @param encoder encodes each change once
	 * @param settings the tuning
	 */
	public SyncManager(SyncPolicy policy, @Nullable MandatoryAccessControl mac, ChangeLog changeLog,
			ChangeEncoder encoder, SyncSettings settings) {
		this.policy = (mac != null) ? new MandatoryAccessPolicy(policy, mac, this::labelAttribute) : policy;
		this.changeLog = changeLog;
		this.clock = new SyncClock(changeLog);
		this.encoder = encoder;
		this.settings = settings;
		this.dispatcher = Executors.newSingleThreadExecutor(threads("entanglement-dispatch-", true));
		// As many flush and load threads as cores, at least two.
		int poolSize = Math.max(2, Runtime.getRuntime().availableProcessors());
		// Work handed over after destroy() (a flush, a retry, a late commit) is moot: it
		// is dropped instead of failing the thread that hands it over.
		this.flushExecutor = new ThreadPoolExecutor(poolSize, poolSize, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), threads("entanglement-flush-", true),
				new ThreadPoolExecutor.DiscardPolicy());
		this.loadExecutor = new ThreadPoolExecutor(poolSize, poolSize, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), threads("entanglement-load-", true),
				new ThreadPoolExecutor.DiscardPolicy());
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
				threads("entanglement-scheduler-", true), new ThreadPoolExecutor.DiscardPolicy());
		scheduler.setRemoveOnCancelPolicy(true);
		this.scheduler = scheduler;
		this.flushTimer = new FlushTimer(scheduler, this.flushExecutor, poolSize);
		this.pacer = new WritePacer(settings.maxWritesPerSecond(), settings.maxCoalesceDelay().toNanos());
		if (this.pacer.enabled()) {
			this.scheduler.scheduleWithFixedDelay(this.pacer::tick, this.pacer.periodNanos(), this.pacer.periodNanos(),
					TimeUnit.NANOSECONDS);
		}
		this.proposals = new ProposalService(this::store, this::mirroredFrom, this.policy, settings.nodeId(),
				settings.proposalTimeout(), this.scheduler, new ProposalService.TransitionHooks() {

					@Override
					public TransitionService.@Nullable Transition active(ObjectKey key, String id,
							SyncViewer initiator) {
						return SyncManager.this.transitions.find(key, id, initiator);
					}

					@Override
					public void ended(TransitionService.Transition transition, TransitionService.Reason reason) {
						finish(transition, reason);
					}

				});
		long sweepTransitions = Math.max(50, settings.transitionTtl().toMillis() / 4);
		this.scheduler.scheduleWithFixedDelay(this::expireTransitions, sweepTransitions, sweepTransitions,
				TimeUnit.MILLISECONDS);
		long purgeEvery = Math.min(settings.tombstoneRetention().toMillis(), TimeUnit.HOURS.toMillis(1));
		this.scheduler.scheduleWithFixedDelay(this::purgeTombstones, purgeEvery, purgeEvery, TimeUnit.MILLISECONDS);
	}

	/**
	 * Make a store's type available to subscribers.
	 * @param store the store
	 */
	public void register(SyncStore store) {
		Assert.isTrue(TYPE_NAME.matcher(store.type()).matches(),
				() -> "Type name '" + store.type() + "' must be 1 to 100 letters, digits, '-' or '_'");
		SyncType previous = this.types.putIfAbsent(store.type(),
				new SyncType(store, this.encoder, this.policy.audience(store.type()),
						store.durable() ? this.clock : this.memoryClock, this.settings.keptPerType()));
		Assert.state(previous == null || previous.store() == store,
				() -> "Type '" + store.type() + "' is registered twice");
		if (previous == null) {
			store.attach(new Context(store));
		}
	}

	/**
	 * Publish the changes of a store that is not durable: numbered in memory for catch-up
	 * within the node's lifetime, then fanned out like committed changes.
	 */
	private void publish(SyncStore store, List<SyncChange> changes, List<@Nullable SyncChange> previous) {
		Assert.state(!store.durable(), () -> "Type '" + store.type()
				+ "' is durable: its changes are captured in the transactions that make them");
		for (SyncChange change : changes) {
			Assert.isTrue(change.key().type().equals(store.type()),
					() -> "Store '" + store.type() + "' cannot publish " + change.key());
		}
		CommitTicket ticket = numberInMemory((seq) -> this.memoryLog.record(seq, changes, this.policy));
		committed(ticket, changes, previous);
	}

	/**
	 * What a registered store is offered.
	 */
	private final class Context implements StoreContext {

		private final SyncStore store;

		Context(SyncStore store) {
			this.store = store;
		}

		@Override
		public void publish(List<SyncChange> changes, List<@Nullable SyncChange> previous) {
			SyncManager.this.publish(this.store, changes, previous);
		}

		@Override
		public void onUserLeft(Consumer<String> listener) {
			SyncManager.this.userLeftListeners.add(listener);
		}

		@Override
		public void every(java.time.Duration period, Runnable task) {
			long millis = Math.max(1, period.toMillis());
			SyncManager.this.scheduler.scheduleWithFixedDelay(() -> {
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					logger.error("Scheduled task of type '" + this.store.type() + "' failed", ex);
				}
			}, millis, millis, TimeUnit.MILLISECONDS);
		}

		@Override
		public String nodeId() {
			return SyncManager.this.settings.nodeId();
		}

	}

	/**
	 * The names of the synchronized types.
	 * @return the type names
	 */
	public Set<String> types() {
		return Set.copyOf(this.types.keySet());
	}

	// -- Commit path --------------------------------------------------------------------

	/**
	 * A change as a committing transaction records it in the change log.
	 * @param change the change
	 * @param previous the object's state before the transaction, {@code null} if unknown
	 * or new: a deletion that leaves its access state as it was does not change who saw
	 * the object
	 * @param created whether the transaction created the object
	 * @return the change with what the policy decides on in its new state
	 */
	public ChangeLog.Logged logged(SyncChange change, @Nullable SyncChange previous, boolean created) {
		boolean deleted = change.op() == SyncChange.Op.DELETE;
		SyncChange decidedOn = deleted ? previous : change;
		return new ChangeLog.Logged(change, (decidedOn != null) ? this.policy.accessState(decidedOn) : null,
				created && !deleted);
	}

	/**
	 * Called by a change capture inside a committing transaction, right after it took its
	 * sequence number.
	 * @param seq the sequence number
	 * @return the ticket to complete after the transaction
	 */
	public CommitTicket begin(long seq) {
		return this.clock.begin(seq);
	}

	/**
	 * Called after the transaction committed: its changes go to every subscriber who may
	 * see them, after every transaction numbered before it.
	 * @param ticket the ticket from {@link #begin(long)}
	 * @param changes the transaction's changes, one per object
	 */
	public void committed(CommitTicket ticket, List<SyncChange> changes) {
		committed(ticket, changes, null);
	}

	/**
	 * Called after the transaction committed, with the state each object had before it: a
	 * viewer that could see the previous state and may not see the new one is told to
	 * {@code forget} the object, and a delete goes only to viewers that could see the
	 * object.
	 * @param ticket the ticket from {@link #begin(long)}
	 * @param changes the transaction's changes, one per object
	 * @param previous the state of each object before the transaction (same order,
	 * {@code null} where unknown or new), or {@code null} if the capture does not know
	 */
	public void committed(CommitTicket ticket, List<SyncChange> changes,
			@Nullable List<@Nullable SyncChange> previous) {
		Assert.isTrue(previous == null || previous.size() == changes.size(), "One previous state per change");
		List<EncodedChange> encoded = new ArrayList<>(changes.size());
		for (int i = 0; i < changes.size(); i++) {
			encoded.add(this.encoder.encode(changes.get(i), (previous != null) ? previous.get(i) : null));
		}
		ticket.previous = previous;
		this.dispatcher.execute(() -> complete(ticket, encoded));
	}

	/**
	 * Called after a transaction that changed who may see some objects committed: viewers
	 * that could see an object and no longer may are told to {@code forget} it, viewers
	 * that may now see it receive it, after every transaction numbered before.
	 * @param ticket the ticket from {@link #begin(long)}
	 * @param current the current state of each object whose access changed (objects that
	 * no longer exist are left out)
	 * @param before the access before the change, one per object
	 */
	public void accessChanged(CommitTicket ticket, List<SyncChange> current, List<AccessScope> before) {
		Assert.isTrue(current.size() == before.size(), "One scope per object");
		List<EncodedChange> encoded = new ArrayList<>(current.size());
		for (SyncChange change : current) {
			Assert.isTrue(change.op() == SyncChange.Op.UPSERT, "Access changes need the object's state");
			encoded.add(this.encoder.encode(change));
		}
		ticket.scopes = List.copyOf(before);
		this.dispatcher.execute(() -> complete(ticket, encoded));
	}

	/**
	 * Called after a transaction that changed who may see some objects committed, as
	 * {@link #accessChanged(CommitTicket, List, List)}, with the objects' current state
	 * read from their stores. If it cannot be read, viewers learn of the change when they
	 * catch up.
	 * @param ticket the ticket from {@link #begin(long)}
	 * @param before per object, the access before the change
	 */
	public void accessChanged(CommitTicket ticket, Map<ObjectKey, AccessScope> before) {
		List<SyncChange> current = new ArrayList<>(before.size());
		List<AccessScope> scopes = new ArrayList<>(before.size());
		try {
			for (SyncChange state : currentStates(before.keySet()).values()) {
				current.add(state);
				scopes.add(before.get(state.key()));
			}
		}
		catch (RuntimeException ex) {
			// Committed access is what counts: reconnecting clients catch up with it.
			logger.error("Could not load objects whose access changed; their viewers learn of it on catch-up", ex);
			current.clear();
			scopes.clear();
		}
		Map<ObjectKey, AccessScope> unread = new LinkedHashMap<>(before);
		current.forEach((state) -> unread.remove(state.key()));
		ticket.unread = unread;
		accessChanged(ticket, current, scopes);
	}

	/**
	 * Called once who may see some objects held in memory has changed (after the
	 * transaction that changed it committed): the change is numbered in the memory change
	 * log, for clients catching up, and applied live as {@link #accessChanged} does.
	 * @param before per object of a type held in memory, the access before the change
	 * @param widenedOnly those of the objects whose access only widened: whoever could
	 * see them before still may
	 */
	public void memoryAccessChanged(Map<ObjectKey, AccessScope> before, Set<ObjectKey> widenedOnly) {
		for (ObjectKey key : before.keySet()) {
			SyncStore store = store(key.type());
			Assert.isTrue(store != null && !store.durable(), () -> key + " is not held in memory");
		}
		accessChanged(numberInMemory((seq) -> this.memoryLog.touch(seq, before.keySet(), widenedOnly)), before);
	}

	/**
	 * Number a publication of types held in memory: the number and the ticket are taken
	 * under the memory log's lock, so publications are fanned out in the order of their
	 * numbers.
	 */
	private CommitTicket numberInMemory(LongConsumer record) {
		synchronized (this.memoryLog) {
			long seq = this.memoryLog.next();
			CommitTicket ticket = this.memoryClock.begin(seq);
			record.accept(seq);
			return ticket;
		}
	}

	/**
	 * Called after the transaction rolled back: nothing is published.
	 * @param ticket the ticket from {@link #begin(long)}
	 */
	public void rolledBack(CommitTicket ticket) {
		this.dispatcher.execute(() -> complete(ticket, null));
	}

	private void complete(CommitTicket ticket, @Nullable List<EncodedChange> changes) {
		ticket.changes = changes;
		ticket.done = true;
		SyncClock clock = ticket.clock;
		while (!clock.openTickets.isEmpty()) {
			CommitTicket first = clock.openTickets.first();
			if (!first.done) {
				break;
			}
			try {
				fanOutCommitted(first, clock);
			}
			finally {
				// Closed only once the watermark has passed it (see SyncClock.watermark).
				clock.openTickets.remove(first);
			}
		}
		flushTouched();
	}

	/**
	 * Fan out the changes of a committed ticket in order and move the watermark past it;
	 * a rolled-back ticket has none, and its number is reused.
	 */
	private void fanOutCommitted(CommitTicket ticket, SyncClock clock) {
		List<EncodedChange> committed = ticket.changes;
		if (committed == null) {
			return;
		}
		this.metrics.commits.increment();
		if (clock == this.clock) {
			// Before the fan-out, which may end a transition: the other instances hear of
			// the commit before they hear that it ended the transition.
			tellCluster(ticket, committed);
		}
		ticket.unread.forEach((key, before) -> {
			SyncType type = this.types.get(key.type());
			if (type != null) {
				// Nobody is told now; catch-up still decides on the access it had.
				type.accessHistory().aclChanged(ticket.seq(), key.id(), before);
			}
		});
		for (int i = 0; i < committed.size(); i++) {
			if (ticket.scopes != null) {
				fanOutAccess(ticket.seq(), committed.get(i), ticket.scopes.get(i));
			}
			else {
				fanOut(ticket.seq(), committed.get(i), (ticket.previous != null) ? ticket.previous.get(i) : null, true);
			}
		}
		clock.advance(ticket.seq());
	}

	/**
	 * Flush every outbox the current dispatcher task queued changes in: after the whole
	 * fan-out, so the changes of one commit go in one batch.
	 */
	private void flushTouched() {
		this.pacer.asked(this.touched.size());
		List<Runnable> now = new ArrayList<>(this.touched.size());
		for (SessionOutbox outbox : this.touched) {
			outbox.touched = false;
			Runnable flush = outbox.flushSoon();
			if (flush != null) {
				now.add(flush);
			}
		}
		this.touched.clear();
		this.flushTimer.runNow(now);
	}

	/**
	 * Fan out a change to the subscriptions that may see it.
	 * @param seq the number of the commit
	 * @param change the change
	 * @param previous the object's state before it, {@code null} if unknown or new
	 * @param inOrder whether the change is the committed state, fanned out in commit
	 * order (not a state read back from the store, which may be ahead of fan-out)
	 */
	private void fanOut(long seq, EncodedChange change, @Nullable SyncChange previous, boolean inOrder) {
		SyncChange current = change.change();
		SyncType type = this.types.get(current.key().type());
		if (type == null) {
			return;
		}
		if (current.op() == SyncChange.Op.UPSERT) {
			// A state read back from the store may have overtaken changes of who sees it.
			if (inOrder) {
				type.accessHistory().changed(seq, current, previous, this.policy::accessState);
			}
			else {
				type.accessHistory().unknown(seq, current.key().id());
			}
			if (type.isStale(current)) {
				return;
			}
		}
		type.changing();
		type.remember(change, inOrder);
		boolean deleted = current.op() == SyncChange.Op.DELETE;
		if (deleted && previous != null) {
			type.rememberDeleted(current, previous);
		}
		List<@Nullable SyncChange> states = new ArrayList<>(2);
		states.add(deleted ? null : current);
		states.add(previous);
		EncodedChange forget = null;
		for (Subscription subscription : type.candidates(states, null)) {
			try {
				EncodedChange delivery = null;
				if (deleted) {
					// Only viewers that could see the object hear of its deletion.
					if (mayHold(subscription, (previous != null) ? previous : current)) {
						delivery = change;
					}
				}
				else if (mayHold(subscription, current)) {
					delivery = change;
				}
				else if (previous != null && mayHold(subscription, previous)) {
					if (forget == null) {
						forget = this.encoder.encode(SyncChange.forget(current.key(), current.version()));
					}
					delivery = forget;
				}
				if (delivery != null) {
					offer(subscription, delivery);
				}
			}
			catch (RuntimeException ex) {
				failedToOffer(subscription, current, ex);
			}
		}
		TransitionService.Transition transition = this.transitions.of(current.key());
		// A commit the transition already built on (its fan-out lagging behind) does not
		// end it.
		if (transition != null && current.version() > transition.current.version()
				&& this.transitions.end(transition)) {
			// The transition's own proposal commits it; any other commit breaks it.
			boolean committed = transition.committing;
			fanOutTransitionEnd(type, transition,
					committed ? TransitionService.Reason.COMMITTED : TransitionService.Reason.BROKEN,
					deleted ? transition.current : current);
		}
	}

	private void fanOutAccess(long seq, EncodedChange change, AccessScope before) {
		SyncChange current = change.change();
		SyncType type = this.types.get(current.key().type());
		if (type == null) {
			return;
		}
		type.accessHistory().aclChanged(seq, current.key().id(), before);
		type.remember(change);
		List<@Nullable SyncChange> states = new ArrayList<>(1);
		states.add(current);
		EncodedChange forget = null;
		for (Subscription subscription : type.candidates(states, before)) {
			try {
				if (!subscription.matches(current)) {
					continue;
				}
				SyncViewer viewer = subscription.outbox.viewer();
				boolean could = before.before(() -> this.policy.maySee(viewer, current));
				boolean may = this.policy.maySee(viewer, current);
				if (may && !could) {
					offer(subscription, change);
				}
				else if (could && !may) {
					if (forget == null) {
						forget = this.encoder.encode(SyncChange.forget(current.key(), current.version()));
					}
					offer(subscription, forget);
				}
			}
			catch (RuntimeException ex) {
				failedToOffer(subscription, current, ex);
			}
		}
	}

	/**
	 * A change could not be queued for a subscription (its policy threw, say): the client
	 * would silently miss it, so it is reset with a fresh snapshot instead, which ends
	 * the subscription with {@code unavailable} if loading keeps failing.
	 */
	private void failedToOffer(Subscription subscription, SyncChange change, RuntimeException ex) {
		logger.error("Failed to queue " + change.key() + " for session " + subscription.outbox.viewer().sessionId()
				+ "; resetting its subscription", ex);
		subscription.outbox.restart(subscription);
	}

	/**
	 * Whether the subscription's client may hold the object in this state: its filter
	 * matches and the policy lets the viewer see it.
	 */
	private boolean mayHold(Subscription subscription, SyncChange state) {
		if (!subscription.matches(state)) {
			return false;
		}
		if (this.policy.maySee(subscription.outbox.viewer(), state)) {
			return true;
		}
		this.metrics.denied.increment();
		return false;
	}

	private void offer(Subscription subscription, EncodedChange delivery) {
		this.metrics.offered.increment();
		SessionOutbox outbox = subscription.outbox;
		if (outbox.offer(subscription, delivery) && !outbox.touched) {
			outbox.touched = true;
			this.touched.add(outbox);
		}
	}

	// -- Transitions --------------------------------------------------------------------

	/**
	 * Show other viewers a change before it is committed: the state goes, coalesced and
	 * rate-capped, to the sessions that may see the object, never to the initiator's own
	 * session, and is never stored. A proposal carrying the same transition id commits
	 * it.
	 * @param initiator who drives the transition
	 * @param typeName the type name
	 * @param id the object id
	 * @param transitionId the initiator's transition id
	 * @param state the attributes shown over the object
	 * @throws SyncException if the type or object is unknown or invisible to the
	 * initiator, the state is invalid, the initiator may not propose the change, or the
	 * transition id belongs to another session
	 */
	public void transition(SyncViewer initiator, String typeName, String id, String transitionId,
			Map<String, @Nullable Object> state) {
		SyncType type = this.types.get(typeName);
		if (type == null) {
			throw new UnknownTypeException(typeName);
		}
		if (transitionId.isEmpty() || transitionId.length() > 100) {
			throw new InvalidRequestException("'transition' must be a string of 1 to 100 characters");
		}
		ProposalService.validate(type.store(), state);
		ObjectKey key = new ObjectKey(typeName, id);
		TransitionService.Transition ongoing = this.transitions.find(key, transitionId, initiator);
		// A drag sends many updates: while it lasts, the object's state is the one it
		// started from, since a commit of the object ends the transition.
		SyncChange current = (ongoing != null && !ongoing.committing) ? ongoing.current : type.store().find(id);
		if (current == null || !this.policy.maySee(initiator, current)) {
			throw new NotFoundException("No " + typeName + " '" + id + "'");
		}
		if (!this.policy.mayPropose(initiator, current,
				new Proposal(transitionId, typeName, id, null, state, false, transitionId))) {
			throw new ForbiddenException("You may not change " + current.key());
		}
		show(type, current, initiator, transitionId, state);
		String peer = mirroredFrom(current.key());
		UpstreamChannel channel = this.upstreams;
		if (peer != null && channel != null) {
			// Shown upstream too, as the link's: viewers of the owner's node see it.
			channel.transition(peer, typeName, id, transitionId, state);
		}
	}

	/**
	 * Show this node's viewers a transition in progress at an upstream peer, on an object
	 * mirrored from it. The upstream checked the initiator's right to make it; this
	 * node's policy still decides who sees it.
	 * @param initiator the upstream initiator, as a viewer of this node that is no
	 * session of it
	 * @param typeName the type name
	 * @param id the object id
	 * @param transitionId the transition id
	 * @param state the attributes shown over the object
	 * @throws SyncException if the type or object is unknown here
	 */
	public void mirrorTransition(SyncViewer initiator, String typeName, String id, String transitionId,
			Map<String, @Nullable Object> state) {
		SyncType type = this.types.get(typeName);
		if (type == null) {
			throw new UnknownTypeException(typeName);
		}
		SyncChange current = type.store().find(id);
		if (current == null || mirroredFrom(current.key()) == null) {
			throw new NotFoundException("No mirrored " + typeName + " '" + id + "'");
		}
		show(type, current, initiator, transitionId, state);
	}

	private void show(SyncType type, SyncChange current, SyncViewer initiator, String transitionId,
			Map<String, @Nullable Object> state) {
		TransitionService.Transition replaced = this.transitions.update(current.key(), transitionId, initiator, state,
				current);
		if (replaced != null) {
			this.dispatcher.execute(() -> {
				fanOutTransitionEnd(type, replaced, TransitionService.Reason.BROKEN, replaced.current);
				flushTouched();
			});
		}
		TransitionService.Transition transition = this.transitions.of(current.key());
		if (transition != null && transition.id.equals(transitionId)
				&& transition.scheduled.compareAndSet(false, true)) {
			// Updates arriving before the fan-out runs are coalesced into it, and a
			// transition is fanned out no more often than a viewer may receive it.
			Runnable fanOut = () -> this.dispatcher.execute(() -> {
				transition.scheduled.set(false);
				transition.lastFanOutNanos = System.nanoTime();
				fanOutTransition(type, transition);
				flushTouched();
			});
			long wait = transition.lastFanOutNanos + this.settings.transitionIntervalNanos() - System.nanoTime();
			if (wait > 0) {
				this.scheduler.schedule(fanOut, wait, TimeUnit.NANOSECONDS);
			}
			else {
				fanOut.run();
			}
		}
	}

	/**
	 * The initiator lets go of its transition: viewers are told it ended as
	 * {@code broken}, and the initiator hears nothing more of it.
	 * @param initiator who drives the transition
	 * @param typeName the type name
	 * @param id the object id
	 * @param transitionId the transition id
	 * @return whether the transition was in progress
	 */
	public boolean endTransition(SyncViewer initiator, String typeName, String id, String transitionId) {
		boolean ended = endMirroredTransition(initiator, typeName, id, transitionId);
		String peer = mirroredFrom(new ObjectKey(typeName, id));
		UpstreamChannel channel = this.upstreams;
		if (ended && peer != null && channel != null) {
			channel.endTransition(peer, typeName, id, transitionId);
		}
		return ended;
	}

	/**
	 * End a transition shown through {@link #mirrorTransition}: the upstream initiator
	 * let go of it.
	 * @param initiator the upstream initiator, as given to {@link #mirrorTransition}
	 * @param typeName the type name
	 * @param id the object id
	 * @param transitionId the transition id
	 * @return whether the transition was in progress
	 */
	public boolean endMirroredTransition(SyncViewer initiator, String typeName, String id, String transitionId) {
		TransitionService.Transition transition = this.transitions.find(new ObjectKey(typeName, id), transitionId,
				initiator);
		if (transition == null || !this.transitions.end(transition)) {
			return false;
		}
		SyncType type = this.types.get(typeName);
		if (type != null) {
			this.dispatcher.execute(() -> {
				fanOutTransitionEnd(type, transition, TransitionService.Reason.BROKEN, transition.current, false);
				flushTouched();
			});
		}
		return true;
	}

	private void fanOutTransition(SyncType type, TransitionService.Transition transition) {
		if (this.transitions.of(transition.key) != transition) {
			return;
		}
		SyncChange current = transition.current;
		SyncChange overlay = transition.overlay(current);
		EncodedChange encoded = this.encoder.encodeTransition(current, transition.id, transition.initiator.name(),
				transition.state);
		ClusterLink link = this.cluster;
		if (link != null) {
			try {
				link.transition(transition.key, transition.id, transition.initiator.name(), transition.state);
			}
			catch (RuntimeException ex) {
				logger.warn("Failed to tell the cluster about transition " + transition.id, ex);
			}
		}
		showTransition(type, current, overlay, encoded, transition.initiator.sessionId());
	}

	/**
	 * Offer a transition update to the viewers who may see the object both as it is and
	 * as it would be: a transition may not carry an object past a label.
	 * @param exceptSession the initiator's session, which shows its own update, or
	 * {@code null}
	 */
	private void showTransition(SyncType type, SyncChange current, SyncChange overlay, EncodedChange encoded,
			@Nullable String exceptSession) {
		offerToCandidates(type, current, overlay, encoded, exceptSession,
				(subscription) -> mayHold(subscription, current)
						&& this.policy.maySee(subscription.outbox.viewer(), overlay));
	}

	/**
	 * Offer the end of a transition to the viewers who may hold the object as it is now
	 * or as it was when the transition started.
	 * @param exceptSession the initiator's session, or {@code null}
	 */
	private void showTransitionEnd(SyncType type, SyncChange current, SyncChange started, EncodedChange encoded,
			@Nullable String exceptSession) {
		offerToCandidates(type, current, started, encoded, exceptSession,
				(subscription) -> mayHold(subscription, current) || mayHold(subscription, started));
	}

	/**
	 * Offer an encoding to the candidate subscriptions for either of two states of an
	 * object that the rule lets through, except those of one session.
	 */
	private void offerToCandidates(SyncType type, SyncChange current, SyncChange other, EncodedChange encoded,
			@Nullable String exceptSession, Predicate<Subscription> shown) {
		List<@Nullable SyncChange> states = new ArrayList<>(2);
		states.add(current);
		states.add(other);
		for (Subscription subscription : type.candidates(states, null)) {
			if (!subscription.outbox.viewer().sessionId().equals(exceptSession) && shown.test(subscription)) {
				offer(subscription, encoded);
			}
		}
	}

	private void fanOutTransitionEnd(SyncType type, TransitionService.Transition transition,
			TransitionService.Reason reason, SyncChange current) {
		fanOutTransitionEnd(type, transition, reason, current, true);
	}

	private void fanOutTransitionEnd(SyncType type, TransitionService.Transition transition,
			TransitionService.Reason reason, SyncChange current, boolean notify) {
		EncodedChange encoded = this.encoder.encodeTransitionEnd(current, transition.id, reason.wireName());
		ClusterLink link = this.cluster;
		if (link != null) {
			try {
				link.transitionEnded(transition.key, transition.id, reason.wireName());
			}
			catch (RuntimeException ex) {
				logger.warn("Failed to tell the cluster about the end of transition " + transition.id, ex);
			}
		}
		showTransitionEnd(type, current, transition.current, encoded, transition.initiator.sessionId());
		SessionNotices notices = this.notices;
		if (notify && notices != null
				&& (reason == TransitionService.Reason.BROKEN || reason == TransitionService.Reason.EXPIRED)) {
			notices.transitionBroken(transition.initiator, transition.key, transition.id, reason.wireName());
		}
	}

	/**
	 * End a transition outside a commit, unless it already ended.
	 */
	private void finish(TransitionService.Transition transition, TransitionService.Reason reason) {
		if (!this.transitions.end(transition)) {
			return;
		}
		SyncType type = this.types.get(transition.key.type());
		if (type != null) {
			this.dispatcher.execute(() -> {
				fanOutTransitionEnd(type, transition, reason, transition.current);
				flushTouched();
			});
		}
	}

	private void expireTransitions() {
		long now = System.nanoTime();
		long ttl = this.settings.transitionTtl().toNanos();
		for (TransitionService.Transition transition : this.transitions.all()) {
			if (!transition.committing && now - transition.lastActivityNanos > ttl) {
				finish(transition, TransitionService.Reason.EXPIRED);
			}
		}
	}

	/**
	 * Connect the channel that tells sessions about their transitions.
	 * @param notices the channel
	 */
	public void notices(SessionNotices notices) {
		this.notices = notices;
	}

	// -- Cluster ------------------------------------------------------------------------

	/**
	 * Join a cluster of instances that share the database and a message broker: commits
	 * are told to the other instances through the link, and resume tokens only vouch for
	 * numbers this instance has fanned out without a gap. A gap that the link does not
	 * fill within {@code resyncInterval} is filled from the change log. Call it before
	 * the first commit.
	 * @param instanceId this instance's id, unique in the cluster (letters and digits)
	 * @param link the link to the other instances
	 * @param resyncInterval how often to look for a gap in what was heard
	 */
	public void cluster(String instanceId, ClusterLink link, java.time.Duration resyncInterval) {
		Assert.isTrue(instanceId.matches("[A-Za-z0-9]{1,40}"), "The instance id must be 1 to 40 letters or digits");
		this.instanceId = instanceId;
		this.cluster = link;
		this.clock.share();
		this.proposals.cluster(instanceId, link);
		long every = Math.max(10, resyncInterval.toMillis());
		this.scheduler.scheduleWithFixedDelay(this::checkGap, every, every, TimeUnit.MILLISECONDS);
	}

	/**
	 * Connect what evicts the policy's cached decisions about objects whose access
	 * changed on another instance.
	 * @param invalidation evicts the given objects, or everything when given {@code null}
	 */
	public void accessInvalidation(Consumer<@Nullable List<ObjectKey>> invalidation) {
		this.accessInvalidation = invalidation;
	}

	/**
	 * This instance's id in its cluster.
	 * @return the id, empty when the instance is on its own
	 */
	public String instanceId() {
		return this.instanceId;
	}

	private void tellCluster(CommitTicket ticket, List<EncodedChange> changes) {
		ClusterLink link = this.cluster;
		if (link == null) {
			return;
		}
		try {
			if (ticket.scopes != null) {
				List<@Nullable Set<String>> former = new ArrayList<>(changes.size());
				for (int i = 0; i < changes.size(); i++) {
					SyncChange state = changes.get(i).change();
					SyncType type = this.types.get(state.key().type());
					former.add((type != null) ? type.audienceBefore(state, ticket.scopes.get(i)) : null);
				}
				link.accessChanged(ticket.seq(), changes.stream().map((change) -> change.change().key()).toList(),
						former);
			}
			else {
				link.committed(ticket.seq(), changes.stream().map(EncodedChange::change).toList(), ticket.previous);
			}
		}
		catch (RuntimeException ex) {
			// The others fill the gap from the change log.
			logger.warn("Failed to tell the cluster about commit " + ticket.seq(), ex);
		}
	}

	/**
	 * Another instance committed changes: they go to this instance's sessions as if
	 * committed here, at the objects' current state in the store (so a change heard late
	 * never overtakes a newer one).
	 * @param seq the commit's sequence number
	 * @param changes the committed changes, one per object
	 * @param previous the state of each object before the commit (same order,
	 * {@code null} where unknown), or {@code null} if unknown
	 */
	public void remoteCommitted(long seq, List<SyncChange> changes, @Nullable List<@Nullable SyncChange> previous) {
		Assert.isTrue(previous == null || previous.size() == changes.size(), "One previous state per change");
		this.dispatcher.execute(() -> {
			if (seq <= this.clock.watermark()) {
				return;
			}
			try {
				Map<ObjectKey, SyncChange> current = currentStates(changes.stream()
					.filter((change) -> change.op() != SyncChange.Op.DELETE)
					.map(SyncChange::key)
					.toList());
				this.metrics.commits.increment();
				for (int i = 0; i < changes.size(); i++) {
					SyncChange change = changes.get(i);
					SyncChange state = (change.op() == SyncChange.Op.DELETE) ? change : current.get(change.key());
					if (state != null) {
						SyncChange before = (previous != null) ? previous.get(i) : null;
						// Encoded with the state before, as a local commit is: a session
						// that holds that version takes a patch whichever instance
						// committed.
						fanOut(seq, this.encoder.encode(state, before), before, false);
					}
				}
				this.clock.advance(seq);
			}
			catch (RuntimeException ex) {
				// The gap is filled from the change log later.
				logger.warn("Failed to fan out commit " + seq + " of another instance", ex);
			}
			flushTouched();
		});
	}

	/**
	 * Who may see some objects changed on another instance: this instance's cached
	 * decisions about them are evicted, sessions that lose access are told to
	 * {@code forget} them, sessions that gain it receive them.
	 * @param seq the sequence number of the access change
	 * @param keys the objects
	 */
	public void remoteAccessChanged(long seq, List<ObjectKey> keys) {
		remoteAccessChanged(seq, keys, Collections.nCopies(keys.size(), null));
	}

	/**
	 * Apply an access change made on another instance, knowing who could see each object
	 * before it. A viewer this instance cannot decide about, because it no longer caches
	 * the access as it was, and that held a key of the former audience, may have lost
	 * access: naming the object in a {@code forget} could tell a viewer that never saw it
	 * that it exists, so its subscription is reset instead.
	 * @param seq the sequence number of the access change
	 * @param keys the objects
	 * @param formerAudiences per object (same order), the audience keys of who could see
	 * it before, or {@code null} where unknown
	 */
	public void remoteAccessChanged(long seq, List<ObjectKey> keys, List<@Nullable Set<String>> formerAudiences) {
		Map<ObjectKey, Set<String>> former = new HashMap<>();
		for (int i = 0; i < keys.size() && i < formerAudiences.size(); i++) {
			Set<String> audience = formerAudiences.get(i);
			if (audience != null) {
				former.put(keys.get(i), audience);
			}
		}
		this.dispatcher.execute(() -> {
			if (seq <= this.clock.watermark()) {
				return;
			}
			for (ObjectKey key : keys) {
				SyncType type = this.types.get(key.type());
				if (type != null) {
					type.accessHistory().accessUnknown(seq, key.id());
				}
			}
			try {
				Map<ObjectKey, SyncChange> current = currentStates(keys);
				// Decided before the eviction: what each candidate could see.
				Map<ObjectKey, Map<Subscription, Boolean>> could = new LinkedHashMap<>();
				// Reset, and left to the reload: not decided after the change either.
				Set<Subscription> undecided = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
				for (SyncChange state : current.values()) {
					SyncType type = this.types.get(state.key().type());
					if (type == null) {
						continue;
					}
					Map<Subscription, Boolean> before = new java.util.IdentityHashMap<>();
					for (Subscription subscription : type.candidates(new ArrayList<>(List.of(state)), null)) {
						try {
							before.put(subscription, subscription.matches(state)
									&& this.policy.maySee(subscription.outbox.viewer(), state));
						}
						catch (RuntimeException ex) {
							failedToOffer(subscription, state, ex);
							undecided.add(subscription);
						}
					}
					could.put(state.key(), before);
				}
				this.accessInvalidation.accept(keys);
				this.metrics.commits.increment();
				for (SyncChange state : current.values()) {
					SyncType type = this.types.get(state.key().type());
					Map<Subscription, Boolean> before = could.get(state.key());
					if (type == null || before == null) {
						continue;
					}
					EncodedChange change = this.encoder.encode(state);
					type.remember(change);
					for (Subscription subscription : type.candidates(new ArrayList<>(List.of(state)), null)) {
						before.putIfAbsent(subscription, Boolean.FALSE);
					}
					Set<String> formerAudience = former.get(state.key());
					if (formerAudience != null) {
						for (Subscription subscription : type.withAudienceKeys(formerAudience)) {
							before.putIfAbsent(subscription, Boolean.FALSE);
						}
					}
					EncodedChange forget = null;
					for (Map.Entry<Subscription, Boolean> entry : before.entrySet()) {
						Subscription subscription = entry.getKey();
						boolean couldSee = entry.getValue();
						if (undecided.contains(subscription)) {
							continue;
						}
						try {
							boolean may = subscription.matches(state)
									&& this.policy.maySee(subscription.outbox.viewer(), state);
							if (may && !couldSee) {
								offer(subscription, change);
							}
							else if (!may && couldSee) {
								if (forget == null) {
									forget = this.encoder.encode(SyncChange.forget(state.key(), state.version()));
								}
								offer(subscription, forget);
							}
							else if (!may && formerAudience != null && subscription.matches(state)
									&& !Collections.disjoint(formerAudience, type.keysOf(subscription))) {
								// Named in the former audience and refused now, but not
								// known to have been allowed: it may hold the object.
								subscription.outbox.restart(subscription);
							}
						}
						catch (RuntimeException ex) {
							failedToOffer(subscription, state, ex);
						}
					}
				}
				this.clock.advance(seq);
			}
			catch (RuntimeException ex) {
				logger.warn("Failed to apply access change " + seq + " of another instance", ex);
			}
			flushTouched();
		});
	}

	/**
	 * A session of another instance drives a transition: viewers here that may see the
	 * object both as it is and as it would be are shown it, coalesced and rate-capped
	 * like a transition driven here.
	 * @param key the object
	 * @param transitionId the transition id
	 * @param by the initiator's principal name
	 * @param state the attributes shown over the object
	 */
	public void remoteTransition(ObjectKey key, String transitionId, @Nullable String by,
			Map<String, @Nullable Object> state) {
		this.dispatcher.execute(() -> {
			try {
				SyncType type = this.types.get(key.type());
				SyncChange current = (type != null) ? currentState(type, key) : null;
				if (type == null || current == null) {
					return;
				}
				showTransition(type, current, TransitionService.overlay(current, state),
						this.encoder.encodeTransition(current, transitionId, by, state), null);
			}
			catch (RuntimeException ex) {
				logger.warn("Failed to show transition " + transitionId + " of another instance", ex);
			}
			flushTouched();
		});
	}

	/**
	 * A transition driven from another instance ended: viewers here are told.
	 * @param key the object
	 * @param transitionId the transition id
	 * @param reason why it ended
	 */
	public void remoteTransitionEnded(ObjectKey key, String transitionId, String reason) {
		this.dispatcher.execute(() -> {
			try {
				SyncType type = this.types.get(key.type());
				SyncChange current = (type != null) ? currentState(type, key) : null;
				if (type == null || current == null) {
					return;
				}
				showTransitionEnd(type, current, current,
						this.encoder.encodeTransitionEnd(current, transitionId, reason), null);
			}
			catch (RuntimeException ex) {
				logger.warn("Failed to end transition " + transitionId + " of another instance", ex);
			}
			flushTouched();
		});
	}

	/**
	 * The object's current state: the newest fanned out here, or else the store's.
	 */
	private @Nullable SyncChange currentState(SyncType type, ObjectKey key) {
		SyncChange latest = type.latest(key.id());
		return (latest != null) ? latest : type.store().find(key.id());
	}

	/**
	 * Fill whatever this instance has not heard from the change log: every object changed
	 * after the watermark goes out at its current state; a subscription that may not see
	 * one of them (its access may have changed unheard) gets {@code reset} and a fresh
	 * snapshot. Called when the link to the other instances was lost and is back.
	 */
	public void resync() {
		this.dispatcher.execute(() -> {
			try {
				resyncNow(this.changeLog.currentSeq());
			}
			catch (RuntimeException ex) {
				logger.warn("Failed to resynchronize from the change log", ex);
			}
		});
	}

	/**
	 * On the scheduler: a gap in what was heard that lasts a whole interval is filled
	 * from the change log.
	 */
	private void checkGap() {
		try {
			long watermark = this.clock.watermark();
			long committed = this.changeLog.currentSeq();
			if (committed <= watermark) {
				this.stalledAt = -1;
				return;
			}
			if (this.stalledAt != watermark) {
				this.stalledAt = watermark;
				return;
			}
			this.metrics.resyncs.increment();
			this.dispatcher.execute(() -> resyncNow(committed));
		}
		catch (RuntimeException ex) {
			logger.warn("Failed to check the change log for commits not heard of", ex);
		}
	}

	private void resyncNow(long upTo) {
		long from = this.clock.watermark();
		if (upTo <= from) {
			return;
		}
		this.accessInvalidation.accept(null);
		for (SyncType type : this.types.values()) {
			if (type.clock() != this.clock) {
				continue;
			}
			// Who may see what may have changed in the gap in ways not heard of here.
			type.accessHistory().lost(upTo);
			List<ChangeLog.Entry> entries = this.changeLog.changesSince(type.name(), from);
			if (entries.isEmpty()) {
				continue;
			}
			List<String> live = new ArrayList<>();
			for (ChangeLog.Entry entry : entries) {
				if (entry.deleted()) {
					fanOut(entry.seq(),
							this.encoder
								.encode(SyncChange.delete(new ObjectKey(type.name(), entry.id()), entry.version())),
							null, false);
				}
				else {
					live.add(entry.id());
				}
			}
			List<SyncChange> states = live.isEmpty() ? List.of() : type.store().load(live);
			Map<String, ChangeLog.Entry> byId = byId(entries);
			Set<Subscription> restart = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
			for (SyncChange state : states) {
				EncodedChange change = this.encoder.encode(state);
				type.remember(change);
				for (Subscription subscription : type.candidates(java.util.Arrays.asList((SyncChange) null), null)) {
					try {
						if (!subscription.matches(state)) {
							continue;
						}
						if (this.policy.maySee(subscription.outbox.viewer(), state)) {
							offer(subscription, change);
						}
						else if (accessChangedAfter(byId, state, from)) {
							restart.add(subscription);
						}
					}
					catch (RuntimeException ex) {
						failedToOffer(subscription, state, ex);
					}
				}
			}
			restart.forEach((subscription) -> subscription.outbox.restart(subscription));
		}
		this.clock.advanceTo(upTo);
		flushTouched();
	}

	/**
	 * The current state of objects in their stores, one load per type.
	 * @param keys the objects
	 * @return their states keyed by object, in the order of the keys; objects that no
	 * longer exist, and objects of types not synchronized here, are left out
	 */
	public Map<ObjectKey, SyncChange> currentStates(Collection<ObjectKey> keys) {
		Map<String, List<String>> idsByType = new LinkedHashMap<>();
		for (ObjectKey key : keys) {
			if (this.types.containsKey(key.type())) {
				idsByType.computeIfAbsent(key.type(), (type) -> new ArrayList<>()).add(key.id());
			}
		}
		Map<ObjectKey, SyncChange> current = new LinkedHashMap<>();
		idsByType.forEach((type, ids) -> {
			for (SyncChange state : this.types.get(type).store().load(ids)) {
				current.put(state.key(), state);
			}
		});
		return current;
	}

	// -- Proposals ----------------------------------------------------------------------

	/**
	 * Propose a change: it goes to the object's owner, and the returned future completes
	 * with the one reply the proposal gets. Repeating a request id of the same proposer
	 * returns the first reply and applies nothing again.
	 * @param proposer who proposes
	 * @param proposal the change
	 * @return the reply
	 */
	public CompletableFuture<ProposalReply> propose(SyncViewer proposer, Proposal proposal) {
		return this.proposals.propose(proposer, proposal).whenComplete((reply, failure) -> {
			if (reply != null) {
				this.metrics.recordProposal(reply.isAccepted() ? ProposalReply.ACCEPTED : String.valueOf(reply.code()));
			}
		});
	}

	/**
	 * Hand an object to another owner, if the policy allows the requester to.
	 * @param requester who asks
	 * @param requestId the requester's correlation id
	 * @param type the type name
	 * @param id the object id
	 * @param baseVersion the version the request is based on, {@code null} for no check
	 * @param newOwner the new owner: a user principal name or a node id
	 * @return the reply
	 */
	public CompletableFuture<ProposalReply> changeOwner(SyncViewer requester, String requestId, String type, String id,
			@Nullable Long baseVersion, String newOwner) {
		return this.proposals.changeOwner(requester, requestId, type, id, baseVersion, newOwner);
	}

	/**
	 * A user owner answers a forwarded proposal.
	 * @param owner the answering session
	 * @param requestId the id of the forwarded request
	 * @param decision the answer
	 * @return the reply for the answering session: whether its answer was taken
	 */
	public ProposalReply answer(SyncViewer owner, String requestId, OwnerDecision decision) {
		return this.proposals.answer(owner, requestId, decision);
	}

	/**
	 * A user owner answers a forwarded proposal, which may be held by another instance of
	 * the cluster.
	 * @param owner the answering session
	 * @param requestId the id of the forwarded request
	 * @param decision the answer
	 * @return the reply for the answering session: whether its answer was taken
	 */
	public CompletableFuture<ProposalReply> decide(SyncViewer owner, String requestId, OwnerDecision decision) {
		return this.proposals.decide(owner, requestId, decision);
	}

	/**
	 * Connect the channel that reaches user owners' sessions.
	 * @param owners the channel
	 */
	public void owners(OwnerChannel owners) {
		this.proposals.owners(owners);
	}

	/**
	 * Connect the channel that reaches upstream peers, so proposals for mirrored objects
	 * are forwarded toward their owners.
	 * @param upstreams the channel
	 */
	public void upstreams(UpstreamChannel upstreams) {
		this.upstreams = upstreams;
		this.proposals.upstreams(upstreams);
	}

	// -- Peers --------------------------------------------------------------------------

	/**
	 * Use the given memory of upstream peers (routes and resume tokens).
	 * @param peers the peer state
	 */
	public void peerState(PeerState peers) {
		this.peers = peers;
	}

	/**
	 * The memory of upstream peers.
	 * @return the peer state
	 */
	public PeerState peerState() {
		return this.peers;
	}

	/**
	 * The upstream peer an object is mirrored from: its next hop toward the owner.
	 * @param key the object
	 * @return the peer name, or {@code null} if this node holds the object's
	 * authoritative state (or does not hold it)
	 */
	public @Nullable String mirroredFrom(ObjectKey key) {
		return this.peers.route(key);
	}

	/**
	 * Mirror changes an upstream peer sent. A change is accepted only from the next hop
	 * toward the object's owner: the peer the object was first learned from. An object
	 * this node owns, or holds without having learned it from a peer, is never
	 * overwritten. Accepted changes are stored with their upstream owner and version and
	 * published to this node's subscribers under this node's policy.
	 * @param peer the peer the changes came from
	 * @param typeName the type name
	 * @param changes upserts and deletes, at most one per object
	 * @return the changes applied
	 * @throws UnknownTypeException if the type is not synchronized here
	 */
	public List<SyncChange> mirror(String peer, String typeName, List<SyncChange> changes) {
		SyncStore store = store(typeName);
		if (store == null) {
			throw new UnknownTypeException(typeName);
		}
		List<SyncChange> accepted = new ArrayList<>(changes.size());
		for (SyncChange change : changes) {
			if (accepts(peer, store, change)) {
				accepted.add(change);
			}
		}
		return accepted.isEmpty() ? List.of() : store.mirror(accepted);
	}

	private boolean accepts(String peer, SyncStore store, SyncChange change) {
		ObjectKey key = change.key();
		// In a ring, every object comes back around to where it started: refusing it is
		// routine, hence debug.
		if (change.op() == SyncChange.Op.UPSERT && this.settings.nodeId().equals(change.owner())) {
			refused(key, peer, "this node owns it");
			return false;
		}
		String route = this.peers.route(key);
		if (route == null) {
			if (store.find(key.id()) != null) {
				refused(key, peer, "this node holds its authoritative state");
				return false;
			}
			if (change.op() != SyncChange.Op.UPSERT) {
				return false;
			}
			route = this.peers.claim(key, peer);
		}
		if (!route.equals(peer)) {
			refused(key, peer, "it is learned from '" + route + "'");
			return false;
		}
		return true;
	}

	private void refused(ObjectKey key, String peer, String reason) {
		this.metrics.refusedFromPeers.increment();
		if (logger.isDebugEnabled()) {
			logger.debug("Refused " + key + " from peer '" + peer + "': " + reason);
		}
	}

	/**
	 * Delete the mirrored objects of a type learned from a peer, except the given ones:
	 * after a reset from the peer, what its new snapshot did not contain is gone.
	 * @param peer the peer name
	 * @param typeName the type name, or {@code null} for every type
	 * @param keep the ids to keep
	 * @return the objects deleted
	 */
	public int clearMirrored(String peer, @Nullable String typeName, Set<String> keep) {
		Map<String, List<SyncChange>> deletes = new LinkedHashMap<>();
		for (ObjectKey key : this.peers.routed(peer)) {
			if ((typeName != null && !typeName.equals(key.type())) || keep.contains(key.id())) {
				continue;
			}
			SyncStore store = store(key.type());
			SyncChange current = (store != null) ? store.find(key.id()) : null;
			if (current != null) {
				deletes.computeIfAbsent(key.type(), (type) -> new ArrayList<>())
					.add(SyncChange.delete(key, current.version() + 1));
			}
		}
		int deleted = 0;
		for (Map.Entry<String, List<SyncChange>> entry : deletes.entrySet()) {
			SyncStore store = store(entry.getKey());
			if (store != null) {
				deleted += store.mirror(entry.getValue()).size();
			}
		}
		return deleted;
	}

	private @Nullable String labelAttribute(String type) {
		SyncStore store = store(type);
		return (store != null) ? store.labelAttribute() : null;
	}

	/**
	 * The store of a synchronized type.
	 * @param type the type name
	 * @return the store, or {@code null} if the type is not synchronized
	 */
	public @Nullable SyncStore store(String type) {
		SyncType syncType = this.types.get(type);
		return (syncType != null) ? syncType.store() : null;
	}

	// -- Sessions -----------------------------------------------------------------------

	/**
	 * Open the outbox of a new connection.
	 * @param viewer the connection
	 * @param transport how to write to it
	 * @return the outbox
	 */
	public SessionOutbox open(SyncViewer viewer, SessionTransport transport) {
		return open(viewer, transport, 0);
	}

	/**
	 * Open the outbox of a new connection that asked for a byte budget of its own: a
	 * client on a thin link (a peer, say) may lower the node's cap for its session, never
	 * raise it.
	 * @param viewer the connection
	 * @param transport how to write to it
	 * @param requestedBytesPerSecond the budget the client asked for, zero for none
	 * @return the outbox
	 */
	public SessionOutbox open(SyncViewer viewer, SessionTransport transport, long requestedBytesPerSecond) {
		long cap = this.settings.maxBytesPerSecond();
		long rate = (requestedBytesPerSecond <= 0) ? cap
				: (cap <= 0) ? requestedBytesPerSecond : Math.min(cap, requestedBytesPerSecond);
		SessionOutbox outbox = new SessionOutbox(this, viewer, transport, rate);
		this.outboxes.put(outbox, Boolean.TRUE);
		return outbox;
	}

	/**
	 * The open sessions' outboxes, for operators.
	 * @return the outboxes
	 */
	public Collection<SessionOutbox> outboxes() {
		return List.copyOf(this.outboxes.keySet());
	}

	/**
	 * How many objects keep their newest encoding in memory, over all types: at most
	 * {@link SyncSettings#keptPerType()} per type once trimmed, the least recently
	 * changed beyond it being read back from their store when needed.
	 * @return the count
	 */
	public int keptEncodings() {
		return this.types.values().stream().mapToInt(SyncType::kept).sum();
	}

	/**
	 * The number of transactions numbered and not yet fanned out.
	 * @return the count
	 */
	public int openCommits() {
		return this.clock.openTickets.size() + this.memoryClock.openTickets.size();
	}

	/**
	 * Subscribe a connection to a type: live changes are queued at once, a snapshot (or
	 * the catch-up since {@code since}) is loaded and merged, then everything flows.
	 * @param outbox the connection's outbox
	 * @param subscriptionId the client's subscription id
	 * @param typeName the type name
	 * @param since the client's resume token, or {@code null} for a full snapshot
	 * @throws SyncException if the type is unknown or the token malformed
	 */
	public void subscribe(SessionOutbox outbox, String subscriptionId, String typeName, @Nullable String since) {
		subscribe(outbox, subscriptionId, typeName, since, Map.of());
	}

	/**
	 * Subscribe a connection to the objects of a type that match a filter.
	 * @param outbox the connection's outbox
	 * @param subscriptionId the client's subscription id
	 * @param typeName the type name
	 * @param since the client's resume token, or {@code null} for a full snapshot
	 * @param filter equality on attributes the viewer can see, empty for none
	 * @throws SyncException if the type is unknown, the token malformed, the filter names
	 * an attribute that cannot be filtered on, or the policy refuses
	 */
	public void subscribe(SessionOutbox outbox, String subscriptionId, String typeName, @Nullable String since,
			Map<String, String> filter) {
		subscribe(outbox, subscriptionId, typeName, since, filter, false);
	}

	/**
	 * Subscribe a connection to the objects of a type that match a filter.
	 * @param outbox the connection's outbox
	 * @param subscriptionId the client's subscription id
	 * @param typeName the type name
	 * @param since the client's resume token, or {@code null} for a full snapshot
	 * @param filter equality on attributes the viewer can see, empty for none
	 * @param patches whether the client applies {@code patch} changes: an update of an
	 * object whose previous version the client holds then carries only the attributes
	 * that changed
	 * @throws SyncException if the type is unknown, the token malformed, the filter names
	 * an attribute that cannot be filtered on, or the policy refuses
	 */
	public void subscribe(SessionOutbox outbox, String subscriptionId, String typeName, @Nullable String since,
			Map<String, String> filter, boolean patches) {
		SyncType type = this.types.get(typeName);
		if (type == null) {
			throw new UnknownTypeException(typeName);
		}
		checkFilter(type.store(), filter);
		if (!this.policy.maySubscribe(outbox.viewer(), typeName, filter)) {
			throw new ForbiddenException("You may not subscribe to " + typeName);
		}
		ResumeToken token = (since != null) ? ResumeToken.parse(since) : null;
		Subscription subscription = outbox.add(subscriptionId, type,
				(token != null) ? token.toString() : ResumeToken.NONE.toString(), Map.copyOf(filter), patches);
		if (subscription == null) {
			throw new InvalidRequestException("Subscription id '" + subscriptionId + "' is already in use");
		}
		// Registered before the snapshot query, so no change committed meanwhile is lost.
		type.add(subscription);
		load(subscription, token, false);
	}

	/**
	 * A filter may only name synchronized attributes, never the label: filtering on what
	 * a viewer cannot see would tell it what the hidden values are.
	 */
	private static void checkFilter(SyncStore store, Map<String, String> filter) {
		if (filter.size() > MAX_FILTER_ATTRIBUTES) {
			throw new InvalidRequestException("A filter may name at most " + MAX_FILTER_ATTRIBUTES + " attributes");
		}
		for (String attribute : filter.keySet()) {
			if (attribute.equals(store.labelAttribute())) {
				throw new InvalidRequestException("'" + attribute + "' is a security label and cannot be filtered on");
			}
			if (!store.attributes().contains(attribute)) {
				throw new InvalidRequestException("'" + attribute + "' is not an attribute of " + store.type());
			}
		}
	}

	/**
	 * End one subscription.
	 * @param outbox the connection's outbox
	 * @param subscriptionId the client's subscription id
	 */
	public void unsubscribe(SessionOutbox outbox, String subscriptionId) {
		Subscription subscription = outbox.remove(subscriptionId);
		if (subscription != null) {
			forget(subscription);
		}
	}

	/**
	 * The connection closed: drop its outbox.
	 * @param outbox the connection's outbox
	 */
	public void close(SessionOutbox outbox) {
		this.outboxes.remove(outbox);
		outbox.close().forEach(this::forget);
		closed(outbox.viewer());
	}

	/**
	 * A session ended: the transitions it drove end as broken, so no viewer keeps its
	 * overlay.
	 * @param viewer the session
	 */
	public void closed(SyncViewer viewer) {
		for (TransitionService.Transition transition : this.transitions.all()) {
			if (transition.initiator.sessionId().equals(viewer.sessionId())) {
				finish(transition, TransitionService.Reason.BROKEN);
			}
		}
		String user = viewer.name();
		if (user == null) {
			return;
		}
		boolean[] left = new boolean[1];
		this.sessionsByUser.computeIfPresent(user, (name, sessions) -> {
			sessions.remove(viewer.sessionId());
			left[0] = sessions.isEmpty();
			return left[0] ? null : sessions;
		});
		if (left[0]) {
			for (Consumer<String> listener : this.userLeftListeners) {
				try {
					listener.accept(user);
				}
				catch (RuntimeException ex) {
					logger.error("Failed to handle the departure of " + user, ex);
				}
			}
		}
	}

	/**
	 * A session opened: its user counts as present until its last session closes.
	 * @param viewer the session
	 */
	public void opened(SyncViewer viewer) {
		String user = viewer.name();
		if (user != null) {
			this.sessionsByUser.computeIfAbsent(user, (name) -> ConcurrentHashMap.newKeySet()).add(viewer.sessionId());
		}
	}

	private void forget(Subscription subscription) {
		subscription.type.remove(subscription);
	}

	void load(Subscription subscription, @Nullable ResumeToken since, boolean reset) {
		load(subscription, since, reset, 1);
	}

	/**
	 * Load a subscription's snapshot or catch-up; a failure (the store unreachable, the
	 * policy throwing) is tried again after 1, 2, 4... seconds, and after
	 * {@link #LOAD_ATTEMPTS} attempts the subscription ends and its client is told, with
	 * code {@code unavailable}, instead of waiting for ever.
	 */
	private void load(Subscription subscription, @Nullable ResumeToken since, boolean reset, int attempt) {
		this.pendingLoads.add(new PendingLoad(subscription, since, reset, attempt));
		this.loadExecutor.execute(this::loadPending);
	}

	/**
	 * Load what is waiting: up to {@link #LOAD_BATCH} catch-ups, or those taken so far
	 * and one snapshot (the next snapshot is another thread's, so snapshots still load in
	 * parallel). Catch-ups of one type share one read of the change log: when many
	 * clients reconnect at once they ask for the same last few changes, and the store is
	 * asked once instead of once each. The read starts after every one of them
	 * subscribed, as each one's own read would.
	 */
	private void loadPending() {
		Map<SyncType, List<PendingLoad>> catchUps = new LinkedHashMap<>();
		@Nullable PendingLoad snapshot = null;
		for (int taken = 0; taken < LOAD_BATCH && snapshot == null; taken++) {
			PendingLoad load = this.pendingLoads.poll();
			if (load == null) {
				break;
			}
			if (load.subscription().closed) {
				continue;
			}
			try {
				if (load.since() != null && load.subscription().type.clock().canCatchUp(load.since())) {
					catchUps.computeIfAbsent(load.subscription().type, (type) -> new ArrayList<>()).add(load);
				}
				else {
					snapshot = load;
				}
			}
			catch (RuntimeException ex) {
				loadAttemptFailed(load, ex);
			}
		}
		catchUps.forEach((type, loads) -> {
			ChangeLog.Changes read;
			try {
				long afterSeq = Long.MAX_VALUE;
				for (PendingLoad load : loads) {
					afterSeq = Math.min(afterSeq, load.since().seq());
				}
				read = type.clock().changeLog.changesAfter(type.name(), afterSeq);
			}
			catch (RuntimeException ex) {
				loads.forEach((load) -> loadAttemptFailed(load, ex));
				return;
			}
			loads.forEach((load) -> tryLoad(load, read));
		});
		if (snapshot != null) {
			tryLoad(snapshot, null);
		}
	}

	private void tryLoad(PendingLoad load, ChangeLog.@Nullable Changes read) {
		try {
			loadNow(load, read);
		}
		catch (RuntimeException ex) {
			loadAttemptFailed(load, ex);
		}
	}

	private void loadAttemptFailed(PendingLoad load, RuntimeException ex) {
		Subscription subscription = load.subscription();
		if (this.scheduler.isShutdown() || subscription.closed) {
			// Shutting down (the store is closing under the load) or unsubscribed:
			// nobody is left to receive it.
			return;
		}
		String what = subscription.type.name() + " for session " + subscription.outbox.viewer().sessionId();
		int attempt = load.attempt();
		if (attempt >= LOAD_ATTEMPTS) {
			logger.error("Failed to load " + what + " " + attempt + " times; ending the subscription", ex);
			loadFailed(subscription);
			return;
		}
		long delay = this.loadRetryDelay.toMillis() << (attempt - 1);
		logger.error("Failed to load " + what + "; trying again in " + delay + " ms", ex);
		this.scheduler.schedule(() -> load(subscription, load.since(), load.reset(), attempt + 1), delay,
				TimeUnit.MILLISECONDS);
	}

	private void loadFailed(Subscription subscription) {
		if (!subscription.outbox.remove(subscription)) {
			return;
		}
		forget(subscription);
		this.metrics.loadFailed();
		subscription.outbox.ended(subscription, new UnavailableException(
				"Could not load " + subscription.type.name() + "; the subscription has ended, subscribe again later"));
	}

	/**
	 * How long to wait before trying a failed load of a subscription again the first time
	 * (one second by default); each further try waits twice as long.
	 * @param delay the first delay
	 */
	public void setLoadRetryDelay(Duration delay) {
		Assert.isTrue(!delay.isNegative() && !delay.isZero(), "The retry delay must be positive");
		this.loadRetryDelay = delay;
	}

	/**
	 * Load one subscription: its catch-up from a read of the change log that began after
	 * it subscribed, if it has one and the read can serve its token; otherwise a
	 * snapshot.
	 */
	private void loadNow(PendingLoad load, ChangeLog.@Nullable Changes read) {
		Subscription subscription = load.subscription();
		if (subscription.closed) {
			return;
		}
		SyncClock clock = subscription.type.clock();
		ResumeToken since = load.since();
		boolean reset = load.reset();
		List<EncodedChange> visible = null;
		if (since != null && read != null) {
			visible = catchUp(subscription, since.seq(), read);
		}
		if (visible == null) {
			// A client holding a partial or foreign state must drop it first.
			reset = reset || since != null;
			visible = new ArrayList<>();
			for (SyncChange change : subscription.type.snapshot()) {
				if (mayHold(subscription, change)) {
					visible.add(subscription.type.encode(change, this.encoder));
				}
			}
		}
		// Read after the load: a commit the load saw may have been numbered after it
		// began, and its own fan-out must not send the same version again.
		long settleSeq = Math.max(clock.maxAllocated, clock.watermark());
		subscription.outbox.loaded(subscription, visible, reset, settleSeq);
	}

	private static boolean accessChangedAfter(Map<String, ChangeLog.Entry> byId, SyncChange state, long seq) {
		ChangeLog.Entry entry = byId.get(state.key().id());
		return entry == null || entry.accessChangedAfter(seq);
	}

	private static Map<String, ChangeLog.Entry> byId(List<ChangeLog.Entry> entries) {
		Map<String, ChangeLog.Entry> byId = new HashMap<>(entries.size() * 2);
		entries.forEach((entry) -> byId.put(entry.id(), entry));
		return byId;
	}

	/**
	 * Whether a viewer could see an object at its token, judged on a state the object had
	 * since: if who sees it has not changed since, as the viewer may see that state;
	 * otherwise as the access changes fanned out here tell, if they were all fanned out
	 * here.
	 * @return whether it could, or {@code null} if that cannot be told here
	 */
	private @Nullable Boolean couldSee(SyncType type, SyncViewer viewer, SyncChange state, ChangeLog.Entry entry,
			long afterSeq, long fannedOut) {
		if (!entry.accessChangedAfter(afterSeq)) {
			return this.policy.maySee(viewer, state);
		}
		if (entry.accessSeq() > fannedOut) {
			// Its last access change has not been fanned out here yet.
			return null;
		}
		return type.accessHistory().couldSee(state, afterSeq, (then) -> this.policy.maySee(viewer, then));
	}

	/**
	 * What changed for a subscriber since a sequence number: each changed object once, at
	 * its current state. An object the subscriber's filter no longer matches is
	 * forgotten. One its viewer may not see is forgotten if the viewer could see it at
	 * the token, and left out if it could not. Where that cannot be told (who sees it
	 * changed in a way not fanned out here), it cannot be told apart from one the viewer
	 * never saw, and telling it to forget that would name a hidden object, so the
	 * subscriber gets a reset and a fresh snapshot instead.
	 * @param subscription the subscriber
	 * @param afterSeq the sequence number its token names
	 * @param read a read of the type's change log that began after it subscribed
	 * @return the changes to send, or {@code null} if the subscriber must be reset
	 */
	private @Nullable List<EncodedChange> catchUp(Subscription subscription, long afterSeq, ChangeLog.Changes read) {
		SyncType type = subscription.type;
		SyncViewer viewer = subscription.outbox.viewer();
		List<ChangeLog.Entry> entries = read.since(afterSeq);
		if (entries == null) {
			// Tombstones after the token were purged: deletions it missed cannot be told.
			return null;
		}
		// Read after the change log: the more of its entries that have been fanned out
		// here, the fewer states are read from the store.
		long fannedOut = type.clock().watermark();
		List<EncodedChange> changes = new ArrayList<>(entries.size());
		List<SyncChange> current = new ArrayList<>(entries.size());
		List<String> unknown = new ArrayList<>();
		for (ChangeLog.Entry entry : entries) {
			if (entry.deleted()) {
				SyncChange delete = SyncChange.delete(new ObjectKey(type.name(), entry.id()), entry.version());
				SyncChange last = type.lastStateBeforeDeletion(entry.id(), entry.version());
				// While its last state is kept, the viewer held it if it could see it at
				// its token. Otherwise it is known by its id alone: who could see it
				// cannot be told from that.
				Boolean could = (last != null) ? couldSee(type, viewer, last, entry, afterSeq, fannedOut) : null;
				if ((could != null) ? could : this.policy.maySee(viewer, delete)) {
					changes.add(this.encoder.encode(delete));
				}
				else if (could == null) {
					return null;
				}
				continue;
			}
			// Current state, not the logged one: an object changed ten times is sent
			// once. Once its last logged change has been fanned out, the newest state
			// fanned out is current without reading the store; a later commit reaches
			// the subscriber through fan-out.
			SyncChange latest = (entry.seq() <= fannedOut) ? type.latest(entry.id()) : null;
			if (latest != null && latest.version() >= entry.version()) {
				current.add(latest);
			}
			else {
				unknown.add(entry.id());
			}
		}
		if (!unknown.isEmpty()) {
			current.addAll(type.store().load(unknown));
		}
		Map<String, ChangeLog.Entry> byId = null;
		for (SyncChange change : current) {
			if (!this.policy.maySee(viewer, change)) {
				if (byId == null) {
					byId = byId(entries);
				}
				ChangeLog.Entry entry = byId.get(change.key().id());
				if (entry != null && !entry.accessChangedAfter(afterSeq)) {
					// Seen by the same viewers since the token: it could not see it then.
					continue;
				}
				Boolean could = (entry != null) ? couldSee(type, viewer, change, entry, afterSeq, fannedOut) : null;
				if (could == null) {
					return null;
				}
				if (could) {
					// It held the object: live fan-out would have told it to forget.
					changes.add(this.encoder.encode(SyncChange.forget(change.key(), change.version())));
				}
				continue;
			}
			changes.add(subscription.matches(change) ? type.encode(change, this.encoder)
					: this.encoder.encode(SyncChange.forget(change.key(), change.version())));
		}
		return changes;
	}

	// -- Tokens -------------------------------------------------------------------------

	/**
	 * The highest sequence number up to which every committed change has been queued for
	 * every subscriber.
	 * @return the watermark
	 */
	public long watermark() {
		return this.clock.watermark();
	}

	/**
	 * The resume token for a sequence number of this database.
	 * @param seq the sequence number
	 * @return the token
	 */
	public String token(long seq) {
		return this.clock.token(seq);
	}

	// -- Infrastructure -----------------------------------------------------------------

	/**
	 * The engine's counters.
	 * @return the metrics
	 */
	public SyncMetrics metrics() {
		return this.metrics;
	}

	SyncSettings settings() {
		return this.settings;
	}

	WritePacer pacer() {
		return this.pacer;
	}

	ExecutorService flushExecutor() {
		return this.flushExecutor;
	}

	/**
	 * Run a flush after a delay on the flush threads: the scheduler's single thread only
	 * times it, once per millisecond for all the flushes due then, so delayed flushes
	 * write in parallel like immediate ones.
	 */
	void flushAfter(Runnable flush, long delayNanos) {
		this.flushTimer.schedule(flush, delayNanos);
	}

	ScheduledExecutorService scheduler() {
		return this.scheduler;
	}

	private void purgeTombstones() {
		try {
			Instant before = Instant.now().minus(this.settings.tombstoneRetention());
			int purged = this.changeLog.purgeTombstones(before) + this.memoryLog.purgeTombstones(before);
			if (purged > 0 && logger.isDebugEnabled()) {
				logger.debug("Purged " + purged + " tombstones");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Failed to purge tombstones", ex);
		}
	}

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
		this.loadExecutor.shutdownNow();
		this.dispatcher.shutdown();
		try {
			this.dispatcher.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.flushExecutor.shutdown();
	}

	/**
	 * Read the watermark before any commit is numbered, so it never starts past a commit
	 * that has not been fanned out yet.
	 */
	@Override
	public void afterPropertiesSet() {
		try {
			this.clock.watermark();
			this.clock.epoch();
		}
		catch (RuntimeException ex) {
			throw new ChangeLogUnavailableException(ex);
		}
	}

	private static ThreadFactory threads(String prefix, boolean daemon) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(daemon);
			return thread;
		};
	}

	/**
	 * A subscription waiting for its load.
	 *
	 * @param subscription the subscription
	 * @param since the token it resumes from, or {@code null} for a snapshot
	 * @param reset whether the client must drop what it holds first
	 * @param attempt the number of this attempt, from 1
	 */
	private record PendingLoad(Subscription subscription, @Nullable ResumeToken since, boolean reset, int attempt) {
	}

}
