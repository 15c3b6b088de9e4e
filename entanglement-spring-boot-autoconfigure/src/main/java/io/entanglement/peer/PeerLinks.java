package io.entanglement.peer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.entanglement.OwnerUnreachableException;
import io.entanglement.Proposal;
import io.entanglement.ProposalReply;
import io.entanglement.engine.SyncManager;
import io.entanglement.engine.UpstreamChannel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * The links of this node to its upstream peers: started with the application, connected
 * again whenever one drops, and the way proposals for mirrored objects travel upstream.
 *
 * @author Entanglement
 */
public final class PeerLinks implements UpstreamChannel, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(PeerLinks.class);

	private final SyncManager manager;

	private final Duration reconnectInterval;

	private final Map<String, PeerLink> links = new ConcurrentHashMap<>();

	private final List<PeerSettings> removed = new ArrayList<>();

	private volatile @Nullable ScheduledExecutorService scheduler;

	/**
	 * Create the links of a node.
	 * @param manager the node's engine
	 * @param peers the upstream peers; disabled ones are removed at start
	 * @param reconnectInterval how often a link that is down is connected again
	 */
	public PeerLinks(SyncManager manager, List<PeerSettings> peers, Duration reconnectInterval) {
		this.manager = manager;
		this.reconnectInterval = reconnectInterval;
		for (PeerSettings peer : peers) {
			if (!peer.enabled()) {
				this.removed.add(peer);
				continue;
			}
			Assert.state(
					this.links.putIfAbsent(peer.name(), new PeerLink(peer, manager, Duration.ofSeconds(10))) == null,
					() -> "Peer '" + peer.name() + "' is configured twice");
		}
		manager.upstreams(this);
	}

	/**
	 * The link to a peer.
	 * @param name the peer name
	 * @return the link, or {@code null} if no such peer is configured
	 */
	public @Nullable PeerLink link(String name) {
		return this.links.get(name);
	}

	/**
	 * Every link of this node.
	 * @return the links
	 */
	public Collection<PeerLink> links() {
		return List.copyOf(this.links.values());
	}

	/**
	 * Remove a peer that is gone for good: its link stops and, depending on its
	 * {@link PeerSettings#onRemoval()}, the objects mirrored from it are kept (read-only)
	 * or deleted.
	 * @param name the peer name
	 * @return the number of mirrored objects deleted
	 */
	public int remove(String name) {
		PeerLink link = this.links.remove(name);
		if (link == null) {
			return 0;
		}
		link.stop();
		return removed(link.settings());
	}

	private int removed(PeerSettings peer) {
		if (peer.onRemoval() != PeerSettings.Removal.CLEAR) {
			return 0;
		}
		int deleted = this.manager.clearMirrored(peer.name(), null, Set.of());
		this.manager.peerState().forget(peer.name());
		logger.info("Removed peer '" + peer.name() + "' and deleted the " + deleted + " objects mirrored from it");
		return deleted;
	}

	@Override
	public boolean isConnected(String peer) {
		PeerLink link = this.links.get(peer);
		return link != null && link.isConnected();
	}

	@Override
	public CompletableFuture<ProposalReply> propose(String peer, Proposal proposal) {
		PeerLink link = this.links.get(peer);
		if (link == null) {
			return CompletableFuture.completedFuture(ProposalReply.rejected(proposal.requestId(),
					new OwnerUnreachableException("Peer '" + peer + "' has been removed")));
		}
		return link.propose(proposal);
	}

	@Override
	public void transition(String peer, String type, String id, String transitionId,
			Map<String, @Nullable Object> state) {
		PeerLink link = this.links.get(peer);
		if (link != null) {
			link.transition(type, id, transitionId, state);
		}
	}

	@Override
	public void endTransition(String peer, String type, String id, String transitionId) {
		PeerLink link = this.links.get(peer);
		if (link != null) {
			link.transition(type, id, transitionId, null);
		}
	}

	@Override
	public void start() {
		for (PeerLink link : this.links.values()) {
			for (String type : link.settings().types().keySet()) {
				Assert.state(this.manager.store(type) != null, () -> "Peer '" + link.settings().name()
						+ "' mirrors type '" + type + "', which is not synchronized on this node");
			}
		}
		this.removed.forEach(this::removed);
		this.removed.clear();
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "entanglement-peers");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler = scheduler;
		this.links.values().forEach(PeerLink::start);
		long interval = Math.max(10, this.reconnectInterval.toMillis());
		scheduler.scheduleWithFixedDelay(this::connectLinks, 0, interval, TimeUnit.MILLISECONDS);
	}

	private void connectLinks() {
		for (PeerLink link : this.links.values()) {
			try {
				link.connectIfDown();
			}
			catch (RuntimeException ex) {
				logger.warn("Failed to connect " + link, ex);
			}
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService scheduler = this.scheduler;
		this.scheduler = null;
		if (scheduler != null) {
			scheduler.shutdownNow();
		}
		this.links.values().forEach(PeerLink::stop);
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	@Override
	public int getPhase() {
		// Links stop before the node's own server and message broker.
		return Integer.MAX_VALUE - 1000;
	}

}
