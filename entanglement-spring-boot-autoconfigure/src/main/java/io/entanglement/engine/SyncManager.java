package io.entanglement.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import io.entanglement.InvalidRequestException;
import io.entanglement.MandatoryAccessControl;
import io.entanglement.ObjectKey;
import io.entanglement.OwnerDecision;
import io.entanglement.Proposal;
import io.entanglement.ProposalReply;
import io.entanglement.SyncChange;
import io.entanglement.SyncException;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncStore;
import io.entanglement.SyncViewer;
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

	private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,100}");

	private static final Log logger = LogFactory.getLog(SyncManager.class);

	private final SyncPolicy policy;

	private final ChangeLog changeLog;

	private final ChangeEncoder encoder;

	private final SyncSettings settings;

	private final SyncMetrics metrics = new SyncMetrics();

	private final Map<String, SyncType> types = new ConcurrentHashMap<>();

	private final ConcurrentSkipListSet<CommitTicket> openTickets = new ConcurrentSkipListSet<>();

	/**
	 * Confined to the dispatcher thread: outboxes to flush once the current fan-out is
	 * done.
	 */
	private final List<SessionOutbox> touched = new ArrayList<>();

	private final ExecutorService dispatcher;

	private final ExecutorService flushExecutor;

	private final ExecutorService loadExecutor;

	private final ScheduledExecutorService scheduler;

	private final ProposalService proposals;

	private volatile @Nullable String epoch;

	private volatile long watermark = -1;

	private volatile Token currentToken = new Token(-1, "");

	private volatile long maxAllocated;

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
		this.encoder = encoder;
		this.settings = settings;
		this.dispatcher = Executors.newSingleThreadExecutor(threads("entanglement-dispatch-", true));
		int cores = Runtime.getRuntime().availableProcessors();
		this.flushExecutor = Executors.newFixedThreadPool(Math.max(2, cores), threads("entanglement-flush-", true));
		this.loadExecutor = Executors.newFixedThreadPool(Math.max(2, cores), threads("entanglement-load-", true));
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
				threads("entanglement-scheduler-", true));
		scheduler.setRemoveOnCancelPolicy(true);
		this.scheduler = scheduler;
		this.proposals = new ProposalService(this::store, this.policy, settings.nodeId(), settings.proposalTimeout(),
				this.scheduler);
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
		SyncType previous = this.types.putIfAbsent(store.type(), new SyncType(store, this.encoder));
		Assert.state(previous == null || previous.store() == store,
				() -> "Type '" + store.type() + "' is registered twice");
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
	 * Called by a change capture inside a committing transaction, right after it took its
	 * sequence number.
	 * @param seq the sequence number
	 * @return the ticket to complete after the transaction
	 */
	public CommitTicket begin(long seq) {
		CommitTicket ticket = new CommitTicket(seq);
		this.openTickets.add(ticket);
		synchronized (this.openTickets) {
			this.maxAllocated = Math.max(this.maxAllocated, seq);
		}
		return ticket;
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
		for (SyncChange change : changes) {
			encoded.add(this.encoder.encode(change));
		}
		ticket.previous = previous;
		this.dispatcher.execute(() -> complete(ticket, encoded));
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
		while (!this.openTickets.isEmpty()) {
			CommitTicket first = this.openTickets.first();
			if (!first.done) {
				break;
			}
			this.openTickets.pollFirst();
			if (first.changes != null) {
				this.metrics.commits.increment();
				List<EncodedChange> committed = first.changes;
				for (int i = 0; i < committed.size(); i++) {
					fanOut(committed.get(i), (first.previous != null) ? first.previous.get(i) : null);
				}
				// Only a committed number moves the watermark: a rolled-back one is
				// reused.
				this.watermark = Math.max(watermark(), first.seq());
			}
		}
		// Flushing after the whole fan-out puts the changes of one commit in one batch.
		for (SessionOutbox outbox : this.touched) {
			outbox.touched = false;
			outbox.flushSoon();
		}
		this.touched.clear();
	}

	private void fanOut(EncodedChange change, @Nullable SyncChange previous) {
		SyncChange current = change.change();
		SyncType type = this.types.get(current.key().type());
		if (type == null) {
			return;
		}
		type.remember(change);
		EncodedChange forget = null;
		for (Subscription subscription : type.subscriptions()) {
			try {
				SyncViewer viewer = subscription.outbox.viewer();
				EncodedChange delivery = null;
				if (current.op() == SyncChange.Op.DELETE) {
					// Only viewers that could see the object hear of its deletion.
					if (this.policy.maySee(viewer, (previous != null) ? previous : current)) {
						delivery = change;
					}
				}
				else if (this.policy.maySee(viewer, current)) {
					delivery = change;
				}
				else if (previous != null && this.policy.maySee(viewer, previous)) {
					if (forget == null) {
						forget = this.encoder.encode(SyncChange.forget(current.key(), current.version()));
					}
					delivery = forget;
				}
				if (delivery != null) {
					this.metrics.offered.increment();
					SessionOutbox outbox = subscription.outbox;
					if (outbox.offer(subscription, delivery) && !outbox.touched) {
						outbox.touched = true;
						this.touched.add(outbox);
					}
				}
			}
			catch (RuntimeException ex) {
				logger.error(
						"Failed to queue " + current.key() + " for session " + subscription.outbox.viewer().sessionId(),
						ex);
			}
		}
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
		return this.proposals.propose(proposer, proposal);
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
	 * Connect the channel that reaches user owners' sessions.
	 * @param owners the channel
	 */
	public void owners(OwnerChannel owners) {
		this.proposals.owners(owners);
	}

	private @Nullable String labelAttribute(String type) {
		SyncStore store = store(type);
		return (store != null) ? store.labelAttribute() : null;
	}

	private @Nullable SyncStore store(String type) {
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
		return new SessionOutbox(this, viewer, transport);
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
		SyncType type = this.types.get(typeName);
		if (type == null) {
			throw new UnknownTypeException(typeName);
		}
		ResumeToken token = (since != null) ? ResumeToken.parse(since) : null;
		Subscription subscription = outbox.add(subscriptionId, type, (token != null) ? token.toString() : token(0));
		if (subscription == null) {
			throw new InvalidRequestException("Subscription id '" + subscriptionId + "' is already in use");
		}
		// Registered before the snapshot query, so no change committed meanwhile is lost.
		type.subscriptions().add(subscription);
		load(subscription, token, false);
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
		outbox.close().forEach(this::forget);
	}

	private void forget(Subscription subscription) {
		subscription.type.subscriptions().remove(subscription);
	}

	void load(Subscription subscription, @Nullable ResumeToken since, boolean reset) {
		this.loadExecutor.execute(() -> {
			try {
				loadNow(subscription, since, reset);
			}
			catch (RuntimeException ex) {
				logger.error("Failed to load " + subscription.type.name() + " for session "
						+ subscription.outbox.viewer().sessionId() + "; retrying", ex);
				this.scheduler.schedule(() -> load(subscription, since, reset), 1, TimeUnit.SECONDS);
			}
		});
	}

	private void loadNow(Subscription subscription, @Nullable ResumeToken since, boolean reset) {
		if (subscription.closed) {
			return;
		}
		SyncStore store = subscription.type.store();
		long from = watermark();
		List<SyncChange> changes;
		if (since == null || !canCatchUp(since, from)) {
			changes = store.snapshot();
			// A client holding a partial or foreign state must drop it first.
			reset = reset || since != null;
		}
		else {
			changes = catchUp(subscription.type, since.seq());
		}
		long settleSeq = Math.max(this.maxAllocated, from);
		SyncViewer viewer = subscription.outbox.viewer();
		List<EncodedChange> visible = new ArrayList<>(changes.size());
		for (SyncChange change : changes) {
			if (this.policy.maySee(viewer, change)) {
				visible.add(subscription.type.encode(change, this.encoder));
			}
		}
		subscription.outbox.loaded(subscription, visible, reset, settleSeq);
	}

	private boolean canCatchUp(ResumeToken since, long watermark) {
		return since.seq() > 0 && since.epoch().equals(epoch()) && since.seq() >= this.changeLog.purgedSeq()
				&& since.seq() <= watermark;
	}

	private List<SyncChange> catchUp(SyncType type, long afterSeq) {
		List<ChangeLog.Entry> entries = this.changeLog.changesSince(type.name(), afterSeq);
		List<SyncChange> changes = new ArrayList<>(entries.size());
		List<String> live = new ArrayList<>();
		for (ChangeLog.Entry entry : entries) {
			if (entry.deleted()) {
				changes.add(SyncChange.delete(new ObjectKey(type.name(), entry.id()), entry.version()));
			}
			else {
				live.add(entry.id());
			}
		}
		if (!live.isEmpty()) {
			// Current state, not the logged one: an object changed ten times is sent
			// once.
			changes.addAll(type.store().load(live));
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
		long current = this.watermark;
		if (current < 0) {
			synchronized (this) {
				if (this.watermark < 0) {
					this.watermark = this.changeLog.currentSeq();
				}
				current = this.watermark;
			}
		}
		return current;
	}

	/**
	 * The resume token for a sequence number of this database.
	 * @param seq the sequence number
	 * @return the token
	 */
	public String token(long seq) {
		Token cached = this.currentToken;
		if (cached.seq() == seq) {
			return cached.value();
		}
		String value = epoch() + "." + seq;
		if (seq == this.watermark) {
			this.currentToken = new Token(seq, value);
		}
		return value;
	}

	private String epoch() {
		String current = this.epoch;
		if (current == null) {
			current = this.changeLog.epoch();
			this.epoch = current;
		}
		return current;
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

	ExecutorService flushExecutor() {
		return this.flushExecutor;
	}

	ScheduledExecutorService scheduler() {
		return this.scheduler;
	}

	private void purgeTombstones() {
		try {
			int purged = this.changeLog.purgeTombstones(Instant.now().minus(this.settings.tombstoneRetention()));
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
			watermark();
			epoch();
		}
		catch (RuntimeException ex) {
			throw new ChangeLogUnavailableException(ex);
		}
	}

	private record Token(long seq, String value) {
	}

	private static ThreadFactory threads(String prefix, boolean daemon) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(daemon);
			return thread;
		};
	}

}
