package io.entanglement.engine;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import io.entanglement.ConflictException;
import io.entanglement.ForbiddenException;
import io.entanglement.InvalidRequestException;
import io.entanglement.NotFoundException;
import io.entanglement.ObjectKey;
import io.entanglement.OwnerDecision;
import io.entanglement.OwnerUnreachableException;
import io.entanglement.Proposal;
import io.entanglement.ProposalReply;
import io.entanglement.ProposalTimeoutException;
import io.entanglement.StoreWrite;
import io.entanglement.SyncChange;
import io.entanglement.SyncException;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncStore;
import io.entanglement.SyncViewer;
import io.entanglement.UnknownTypeException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Takes every proposal to its owner and makes sure the proposer hears back exactly once.
 * The node applies proposals for objects it owns (and a user's proposals for objects that
 * user owns) at once; proposals for objects owned by another user are forwarded to that
 * user's sessions, and applied only when the owner accepts, within the timeout.
 *
 * @author Entanglement
 */
final class ProposalService {

	/**
	 * Rejection codes an owner may give; anything else is reported as {@code forbidden}.
	 */
	private static final Set<String> OWNER_CODES = Set.of("forbidden", "conflict", "invalid", "not-found");

	private static final Set<String> RESERVED = Set.of("id", "owner", "version");

	private static final Duration DUPLICATE_WINDOW = Duration.ofMinutes(10);

	/**
	 * Replies remembered at most; past it the oldest answered ones are forgotten first.
	 */
	private static final int MAX_REMEMBERED = 100_000;

	private static final Log logger = LogFactory.getLog(ProposalService.class);

	private final Function<String, @Nullable SyncStore> stores;

	private final Function<ObjectKey, @Nullable String> routes;

	private volatile @Nullable UpstreamChannel upstreams;

	private final SyncPolicy policy;

	private final String nodeId;

	private final Duration timeout;

	private final ScheduledExecutorService scheduler;

	private volatile @Nullable OwnerChannel owners;

	/**
	 * Replies by (proposer, requestId), so a repeated request is answered, not applied
	 * again.
	 */
	private final Map<String, Answered> answered = new ConcurrentHashMap<>();

	private final Map<String, Forwarded> forwarded = new ConcurrentHashMap<>();

	private final TransitionHooks transitions;

	private volatile @Nullable ClusterLink cluster;

	/** Prefixes the ids of forwarded requests, so answers find the instance. */
	private volatile String requestPrefix = "";

	ProposalService(Function<String, @Nullable SyncStore> stores, Function<ObjectKey, @Nullable String> routes,
			SyncPolicy policy, String nodeId, Duration timeout, ScheduledExecutorService scheduler,
			TransitionHooks transitions) {
		this.stores = stores;
		this.routes = routes;
		this.transitions = transitions;
		this.policy = policy;
		this.nodeId = nodeId;
		this.timeout = timeout;
		this.scheduler = scheduler;
		long sweep = DUPLICATE_WINDOW.toMillis() / 10;
		scheduler.scheduleWithFixedDelay(this::forgetOldReplies, sweep, sweep, TimeUnit.MILLISECONDS);
	}

	void owners(OwnerChannel owners) {
		this.owners = owners;
	}

	void upstreams(UpstreamChannel upstreams) {
		this.upstreams = upstreams;
	}

	void cluster(String instanceId, ClusterLink cluster) {
		this.requestPrefix = instanceId + "_";
		this.cluster = cluster;
	}

	CompletableFuture<ProposalReply> propose(SyncViewer proposer, Proposal proposal) {
		return once(proposer, proposal.requestId(), (reply) -> route(proposer, proposal, reply));
	}

	/**
	 * Handle a request once per (proposer, requestId): a repeated request gets the first
	 * request's reply, and every request gets exactly one reply, also when handling
	 * fails.
	 */
	private CompletableFuture<ProposalReply> once(SyncViewer proposer, String requestId,
			Consumer<CompletableFuture<ProposalReply>> handler) {
		String key = proposerKey(proposer) + "\u0000" + requestId;
		Answered fresh = new Answered(new CompletableFuture<>(), System.nanoTime());
		Answered previous = this.answered.putIfAbsent(key, fresh);
		if (previous != null) {
			return previous.reply();
		}
		if (this.answered.size() > MAX_REMEMBERED) {
			this.scheduler.execute(this::forgetOldestReplies);
		}
		try {
			handler.accept(fresh.reply());
		}
		catch (SyncException ex) {
			fresh.reply().complete(ProposalReply.rejected(requestId, ex));
		}
		catch (RuntimeException ex) {
			logger.error("Failed to handle request " + requestId, ex);
			fresh.reply().complete(ProposalReply.rejected(requestId, notApplied()));
		}
		return fresh.reply();
	}

	private void route(SyncViewer proposer, Proposal proposal, CompletableFuture<ProposalReply> reply) {
		SyncStore store = store(proposal.type());
		validate(store, proposal.state());
		if (proposal.isCreate()) {
			if (proposal.delete()) {
				throw new InvalidRequestException("A delete needs an id");
			}
			if (proposal.transition() != null) {
				throw new InvalidRequestException("A transition commits a change of an existing object");
			}
			if (!this.policy.mayPropose(proposer, null, proposal)) {
				throw new ForbiddenException("You may not create " + proposal.type() + " objects");
			}
			SyncChange created = store.apply(new StoreWrite(null, null, proposal.state(), false, proposer.name()));
			reply.complete(store.repliesWithState() ? ProposalReply.accepted(proposal.requestId(), created.key().id(),
					created.version(), created.state()) : applied(proposal.requestId(), created));
			return;
		}
		TransitionService.Transition transition = null;
		if (proposal.transition() != null) {
			transition = this.transitions.active(new ObjectKey(proposal.type(), proposal.id()), proposal.transition(),
					proposer);
			if (transition == null) {
				throw new SyncException("transition-broken", "Transition '" + proposal.transition() + "' has ended");
			}
		}
		try {
			SyncChange current = visible(store, proposer, proposal.id());
			if (!this.policy.mayPropose(proposer, current, proposal)) {
				throw new ForbiddenException("You may not change " + current.key());
			}
			checkBase(current, proposal.baseVersion());
			String peer = this.routes.apply(current.key());
			if (peer != null) {
				// Mirrored: the owner is upstream, whoever it is, and the next hop
				// decides.
				forwardUpstream(peer, proposal, current, transition, reply);
				return;
			}
			String owner = current.owner();
			if (owner == null || owner.equals(this.nodeId) || owner.equals(proposer.name())) {
				reply.complete(
						applied(proposal.requestId(), commit(transition, () -> store.apply(new StoreWrite(proposal.id(),
								proposal.baseVersion(), proposal.state(), proposal.delete(), proposer.name())))));
				return;
			}
			forward(owner, proposer, proposal, current, reply);
		}
		catch (SyncException ex) {
			// The proposal that was to commit the transition is refused: so is the
			// transition.
			if (transition != null) {
				this.transitions.ended(transition, TransitionService.Reason.REJECTED);
			}
			throw ex;
		}
	}

	/**
	 * Apply a change that may commit a transition: the transition ends as committed when
	 * the change is fanned out, or as rejected if it cannot be applied.
	 */
	private SyncChange commit(TransitionService.@Nullable Transition transition,
			java.util.function.Supplier<SyncChange> apply) {
		if (transition == null) {
			return apply.get();
		}
		transition.committing = true;
		try {
			SyncChange result = apply.get();
			if (result.version() == transition.current.version()) {
				// Nothing changed, so no commit will end the transition.
				this.transitions.ended(transition, TransitionService.Reason.COMMITTED);
			}
			return result;
		}
		catch (RuntimeException ex) {
			transition.committing = false;
			this.transitions.ended(transition, TransitionService.Reason.REJECTED);
			throw ex;
		}
	}

	private void endForwardedTransition(Forwarded request) {
		String id = request.proposal.transition();
		if (id != null) {
			TransitionService.Transition transition = this.transitions.active(request.current.key(), id,
					request.proposer);
			if (transition != null) {
				this.transitions.ended(transition, TransitionService.Reason.REJECTED);
			}
		}
	}

	private void forward(String owner, SyncViewer proposer, Proposal proposal, SyncChange current,
			CompletableFuture<ProposalReply> reply) {
		OwnerChannel channel = this.owners;
		if (channel == null || !channel.isConnected(owner)) {
			throw new OwnerUnreachableException("The owner of " + current.key() + " is not connected");
		}
		String requestId = this.requestPrefix + UUID.randomUUID();
		Forwarded request = new Forwarded(owner, proposer, proposal, current, reply);
		this.forwarded.put(requestId, request);
		request.timeout = this.scheduler.schedule(() -> expire(requestId, request), this.timeout.toMillis(),
				TimeUnit.MILLISECONDS);
		channel.send(owner, new OwnerRequest(requestId, proposal.type(), current.key().id(), proposer.name(),
				proposal.baseVersion(), proposal.state(), proposal.delete()));
	}

	/**
	 * Send a proposal for a mirrored object to the peer it was learned from, and relay
	 * that peer's reply (or a timeout) to the proposer under the proposer's request id.
	 */
	private void forwardUpstream(String peer, Proposal proposal, SyncChange current,
			TransitionService.@Nullable Transition transition, CompletableFuture<ProposalReply> reply) {
		UpstreamChannel channel = this.upstreams;
		if (channel == null || !channel.isConnected(peer)) {
			throw new OwnerUnreachableException("The owner of " + current.key() + " is reached through peer '" + peer
					+ "', which is not connected");
		}
		ScheduledFuture<?> timeout = this.scheduler.schedule(
				() -> reply.complete(ProposalReply.rejected(proposal.requestId(),
						new ProposalTimeoutException(
								"The owner did not answer within " + this.timeout.toMillis() + " ms"))),
				this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		channel
			.propose(peer,
					new Proposal(proposal.requestId(), proposal.type(), proposal.id(), proposal.baseVersion(),
							proposal.state(), proposal.delete()))
			.whenComplete((upstream, failure) -> {
				timeout.cancel(false);
				if (transition != null) {
					// Here the transition ends with the owner's answer; upstream, the
					// commit ends it.
					this.transitions.ended(transition, (upstream != null && upstream.isAccepted())
							? TransitionService.Reason.COMMITTED : TransitionService.Reason.REJECTED);
				}
				if (upstream != null) {
					SyncChange conflicting = upstream.current();
					if (conflicting != null) {
						conflicting = new SyncChange(conflicting.op(), current.key(), conflicting.owner(),
								conflicting.version(), conflicting.state());
					}
					reply.complete(new ProposalReply(proposal.requestId(), upstream.status(), upstream.id(),
							upstream.version(), upstream.code(), upstream.message(), conflicting, upstream.result()));
				}
				else {
					reply.complete(ProposalReply.rejected(proposal.requestId(), new OwnerUnreachableException(
							"The link to peer '" + peer + "' closed before the owner answered")));
				}
			});
	}

	private void expire(String requestId, Forwarded request) {
		if (this.forwarded.remove(requestId, request)) {
			endForwardedTransition(request);
			request.reply.complete(ProposalReply.rejected(request.proposal.requestId(), new ProposalTimeoutException(
					"The owner did not answer within " + this.timeout.toMillis() + " ms")));
		}
	}

	/**
	 * Hand an object to another owner: an explicit operation, checked by the policy,
	 * never a side effect of a proposal.
	 */
	CompletableFuture<ProposalReply> changeOwner(SyncViewer requester, String requestId, String type, String id,
			@Nullable Long baseVersion, String newOwner) {
		return once(requester, requestId, (reply) -> {
			SyncStore store = store(type);
			SyncChange current = visible(store, requester, id);
			if (!this.policy.mayChangeOwner(requester, current, newOwner)) {
				throw new ForbiddenException("You may not change the owner of " + current.key());
			}
			checkBase(current, baseVersion);
			reply.complete(applied(requestId,
					store.apply(new StoreWrite(id, baseVersion, Map.of(), false, requester.name(), newOwner))));
		});
	}

	/**
	 * The object's current state; an object the requester may not see does not exist for
	 * it.
	 */
	private SyncChange visible(SyncStore store, SyncViewer requester, String id) {
		SyncChange current = store.find(id);
		if (current == null || !this.policy.maySee(requester, current)) {
			throw new NotFoundException("No " + store.type() + " '" + id + "'");
		}
		return current;
	}

	private static void checkBase(SyncChange current, @Nullable Long baseVersion) {
		if (baseVersion != null && baseVersion != current.version()) {
			throw new ConflictException(
					"Version " + baseVersion + " is not current; the current version is " + current.version(), current);
		}
	}

	/**
	 * An owner's session answers a forwarded request, which another instance of the
	 * cluster may hold: the answer is taken there.
	 */
	CompletableFuture<ProposalReply> decide(SyncViewer owner, String requestId, OwnerDecision decision) {
		ClusterLink cluster = this.cluster;
		int separator = requestId.indexOf('_');
		if (cluster != null && separator > 0 && !this.forwarded.containsKey(requestId)
				&& !requestId.startsWith(this.requestPrefix)) {
			return cluster.answer(requestId.substring(0, separator), owner, requestId, decision);
		}
		return CompletableFuture.completedFuture(answer(owner, requestId, decision));
	}

	/**
	 * An owner's session answers a forwarded request. The first answer decides; the
	 * answering session is told whether its answer was taken.
	 */
	ProposalReply answer(SyncViewer owner, String requestId, OwnerDecision decision) {
		Forwarded request = this.forwarded.get(requestId);
		if (request == null) {
			return ProposalReply.rejected(requestId,
					new ConflictException("The request was already decided, timed out, or never existed", null));
		}
		if (!request.owner.equals(owner.name())) {
			return ProposalReply.rejected(requestId, new ForbiddenException("Only the owner may answer"));
		}
		if (!this.forwarded.remove(requestId, request)) {
			return ProposalReply.rejected(requestId, new ConflictException("The request was already decided", null));
		}
		ScheduledFuture<?> timeout = request.timeout;
		if (timeout != null) {
			timeout.cancel(false);
		}
		String proposerRequestId = request.proposal.requestId();
		try {
			if (!decision.accept()) {
				String code = (decision.code() != null && OWNER_CODES.contains(decision.code())) ? decision.code()
						: "forbidden";
				String message = (decision.message() != null) ? decision.message() : "The owner rejected the proposal";
				endForwardedTransition(request);
				request.reply.complete(ProposalReply.rejected(proposerRequestId, new SyncException(code, message)));
				return new ProposalReply(requestId, ProposalReply.ACCEPTED, request.current.key().id(), null, null,
						null, null);
			}
			SyncStore store = store(request.proposal.type());
			Map<String, @Nullable Object> state = new LinkedHashMap<>(request.proposal.state());
			validate(store, decision.state());
			if (!decision.state().isEmpty()
					&& !this.policy.mayPropose(owner, request.current, new Proposal(requestId, request.proposal.type(),
							request.current.key().id(), null, decision.state(), request.proposal.delete()))) {
				throw new ForbiddenException("The owner may not make this change");
			}
			state.putAll(decision.state());
			if (!request.proposal.delete()) {
				Map<String, @Nullable Object> constructed = new LinkedHashMap<>(request.current.state());
				constructed.putAll(state);
				SyncChange accepted = SyncChange.upsert(request.current.key(), request.current.owner(),
						request.current.version(), constructed);
				if (!this.policy.mayAccept(owner, request.current, accepted)) {
					throw new ForbiddenException("The owner's answer may not be applied");
				}
			}
			// The owner's decision is authoritative: no version check against the
			// proposer's base.
			String transitionId = request.proposal.transition();
			TransitionService.Transition transition = (transitionId != null)
					? this.transitions.active(request.current.key(), transitionId, request.proposer) : null;
			SyncChange result = commit(transition, () -> store.apply(
					new StoreWrite(request.current.key().id(), null, state, request.proposal.delete(), owner.name())));
			request.reply.complete(applied(proposerRequestId, result));
			return applied(requestId, result);
		}
		catch (SyncException ex) {
			request.reply.complete(ProposalReply.rejected(proposerRequestId, ex));
			return ProposalReply.rejected(requestId, ex);
		}
		catch (RuntimeException ex) {
			logger.error("Failed to apply the owner's answer to " + request.current.key(), ex);
			SyncException failure = notApplied();
			request.reply.complete(ProposalReply.rejected(proposerRequestId, failure));
			return ProposalReply.rejected(requestId, failure);
		}
	}

	private static SyncException notApplied() {
		return new SyncException("invalid", "The change could not be applied");
	}

	private SyncStore store(String type) {
		SyncStore store = this.stores.apply(type);
		if (store == null) {
			throw new UnknownTypeException(type);
		}
		return store;
	}

	static void validate(SyncStore store, Map<String, @Nullable Object> state) {
		Set<String> attributes = store.attributes();
		for (String name : state.keySet()) {
			if (RESERVED.contains(name)) {
				throw new InvalidRequestException("'" + name + "' is decided by the owner and cannot be proposed");
			}
			if (!attributes.contains(name)) {
				throw new InvalidRequestException("'" + name + "' is not an attribute of " + store.type());
			}
		}
	}

	private static ProposalReply applied(String requestId, SyncChange result) {
		return ProposalReply.accepted(requestId, result.key().id(), result.version());
	}

	private static String proposerKey(SyncViewer proposer) {
		String name = proposer.name();
		return (name != null) ? "user:" + name : "session:" + proposer.sessionId();
	}

	private void forgetOldReplies() {
		long cutoff = System.nanoTime() - DUPLICATE_WINDOW.toNanos();
		this.answered.values().removeIf((answered) -> answered.reply().isDone() && answered.createdNanos() < cutoff);
	}

	private void forgetOldestReplies() {
		int excess = this.answered.size() - MAX_REMEMBERED / 2;
		if (excess <= 0) {
			return;
		}
		this.answered.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().reply().isDone())
			.sorted(java.util.Comparator.comparingLong((entry) -> entry.getValue().createdNanos()))
			.limit(excess)
			.map(Map.Entry::getKey)
			.toList()
			.forEach(this.answered::remove);
	}

	private record Answered(CompletableFuture<ProposalReply> reply, long createdNanos) {
	}

	/**
	 * What proposals need of the transitions in progress.
	 */
	interface TransitionHooks {

		/**
		 * The object's transition with this id, if its initiator is this session and it
		 * has not ended.
		 */
		TransitionService.@Nullable Transition active(io.entanglement.ObjectKey key, String id, SyncViewer initiator);

		/**
		 * End a transition.
		 */
		void ended(TransitionService.Transition transition, TransitionService.Reason reason);

	}

	private static final class Forwarded {

		final String owner;

		final SyncViewer proposer;

		final Proposal proposal;

		final SyncChange current;

		final CompletableFuture<ProposalReply> reply;

		volatile @Nullable ScheduledFuture<?> timeout;

		Forwarded(String owner, SyncViewer proposer, Proposal proposal, SyncChange current,
				CompletableFuture<ProposalReply> reply) {
			this.owner = owner;
			this.proposer = proposer;
			this.proposal = proposal;
			this.current = current;
			this.reply = reply;
		}

	}

}
