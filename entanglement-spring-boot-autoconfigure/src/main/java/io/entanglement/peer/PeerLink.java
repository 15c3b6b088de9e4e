package io.entanglement.peer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.entanglement.ObjectKey;
import io.entanglement.OwnerUnreachableException;
import io.entanglement.Proposal;
import io.entanglement.ProposalReply;
import io.entanglement.SyncChange;
import io.entanglement.SyncException;
import io.entanglement.SyncViewer;
import io.entanglement.engine.SyncManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.messaging.simp.stomp.StompHeaders;

/**
 * The link from this node to one upstream peer: it subscribes to the chosen types with
 * the resume tokens saved for them, mirrors every batch into the local stores, saves the
 * token once the batch is applied, and carries proposals for mirrored objects upstream. A
 * link that drops is connected again by {@link PeerLinks}, and resumes with catch-up.
 *
 * @author Entanglement
 */
public final class PeerLink {

	/** The CONNECT header by which the link asks the peer for a byte budget. */
	public static final String MAX_BYTES_PER_SECOND_HEADER = "entanglement-max-bytes-per-second";

	private static final Log logger = LogFactory.getLog(PeerLink.class);

	private final PeerSettings settings;

	private final SyncManager manager;

	private final Duration connectTimeout;

	private volatile @Nullable EntanglementClient client;

	private volatile boolean stopped = true;

	private final AtomicLong receivedChanges = new AtomicLong();

	private final AtomicLong receivedBytes = new AtomicLong();

	PeerLink(PeerSettings settings, SyncManager manager, Duration connectTimeout) {
		this.settings = settings;
		this.manager = manager;
		this.connectTimeout = connectTimeout;
	}

	/**
	 * The peer's settings.
	 * @return the settings
	 */
	public PeerSettings settings() {
		return this.settings;
	}

	/**
	 * Whether the link is connected.
	 * @return {@code true} while connected
	 */
	public boolean isConnected() {
		EntanglementClient current = this.client;
		return current != null && current.isConnected();
	}

	/**
	 * The changes received from the peer since the node started, over every connection.
	 * @return the change count
	 */
	public long receivedChanges() {
		return this.receivedChanges.get();
	}

	/**
	 * The message bytes received from the peer since the node started, over every
	 * connection.
	 * @return the byte count
	 */
	public long receivedBytes() {
		EntanglementClient current = this.client;
		return this.receivedBytes.get() + ((current != null) ? current.receivedBytes() : 0);
	}

	/**
	 * Let the link run: {@link PeerLinks} connects it.
	 */
	public void start() {
		this.stopped = false;
	}

	/**
	 * Cut the link until {@link #start()}: nothing is received meanwhile, and proposals
	 * for objects mirrored from the peer are answered {@code owner-unreachable}.
	 */
	public synchronized void stop() {
		this.stopped = true;
		disconnect();
	}

	boolean isStopped() {
		return this.stopped;
	}

	/**
	 * Connect if the link should run and is down.
	 */
	synchronized void connectIfDown() {
		if (this.stopped || isConnected()) {
			return;
		}
		disconnect();
		StompHeaders connectHeaders = new StompHeaders();
		if (this.settings.maxBytesPerSecond() > 0) {
			connectHeaders.set(MAX_BYTES_PER_SECOND_HEADER, Long.toString(this.settings.maxBytesPerSecond()));
		}
		EntanglementClient connected;
		try {
			connected = EntanglementClient.connect(this.settings.url(), this.settings.headers(), connectHeaders,
					this.settings.sslContext(), this.connectTimeout);
		}
		catch (SyncException ex) {
			logger.debug("Peer '" + this.settings.name() + "' is unreachable: " + ex.getMessage());
			return;
		}
		this.client = connected;
		this.settings.types().forEach((type, filter) -> {
			String token = this.manager.peerState().token(this.settings.name(), type);
			connected.subscribe(type, token, filter, new Mirror(connected, type));
		});
		logger.info("Connected to peer '" + this.settings.name() + "' at " + this.settings.url());
	}

	private void disconnect() {
		EntanglementClient current = this.client;
		this.client = null;
		if (current != null) {
			this.receivedBytes.addAndGet(current.receivedBytes());
			try {
				current.close();
			}
			catch (RuntimeException ex) {
				logger.debug("Failed to close the link to peer '" + this.settings.name() + "'", ex);
			}
		}
	}

	/**
	 * Show a transition upstream, or end it ({@code state} {@code null}); dropped while
	 * the link is down.
	 */
	void transition(String type, String id, String transitionId, @Nullable Map<String, @Nullable Object> state) {
		EntanglementClient current = this.client;
		if (current != null && current.isConnected()) {
			current.transition(type, id, transitionId, state);
		}
	}

	CompletableFuture<ProposalReply> propose(Proposal proposal) {
		EntanglementClient current = this.client;
		if (current == null || !current.isConnected()) {
			return CompletableFuture.completedFuture(ProposalReply.rejected(proposal.requestId(),
					new OwnerUnreachableException("Peer '" + this.settings.name() + "' is not connected")));
		}
		if (proposal.delete() && proposal.id() != null) {
			return current.delete(proposal.type(), proposal.id());
		}
		return current.propose(proposal.type(), proposal.id(), proposal.state(), proposal.baseVersion());
	}

	/**
	 * Mirrors the batches of one type, in order, on the connection's thread.
	 */
	private final class Mirror implements EntanglementClient.Listener {

		private final EntanglementClient connection;

		private final String type;

		private boolean synced;

		/** After a reset: the ids the new snapshot holds so far. */
		private @Nullable Set<String> resetting;

		Mirror(EntanglementClient connection, String type) {
			this.connection = connection;
			this.type = type;
		}

		@Override
		public void batch(EntanglementClient.Batch batch) {
			String peer = PeerLink.this.settings.name();
			if (batch.reset()) {
				this.resetting = new HashSet<>();
			}
			List<SyncChange> changes = new ArrayList<>(batch.changes().size());
			try {
				for (EntanglementClient.Change change : batch.changes()) {
					SyncChange mirrored = toChange(change);
					if (mirrored != null) {
						changes.add(mirrored);
					}
					else {
						transition(change);
					}
					if (this.resetting != null && "upsert".equals(change.op())) {
						this.resetting.add(change.id());
					}
				}
				PeerLink.this.receivedChanges.addAndGet(batch.changes().size());
				PeerLink.this.manager.mirror(peer, this.type, changes);
				if (batch.synced()) {
					if (this.resetting != null) {
						PeerLink.this.manager.clearMirrored(peer, this.type, this.resetting);
						this.resetting = null;
					}
					this.synced = true;
				}
				// A token from the middle of a snapshot does not vouch for the rest of
				// it.
				if (this.synced && batch.token() != null) {
					PeerLink.this.manager.peerState().saveToken(peer, this.type, batch.token());
				}
			}
			catch (RuntimeException ex) {
				if (PeerLink.this.stopped) {
					// Stopping: the node's stores may be closing under the batch.
					return;
				}
				// The token stays where it was: the link resumes from there.
				logger.error("Failed to mirror " + this.type + " from peer '" + peer + "'; reconnecting", ex);
				this.connection.close();
			}
		}

		private @Nullable SyncChange toChange(EntanglementClient.Change change) {
			ObjectKey key = new ObjectKey(this.type, change.id());
			return switch (change.op()) {
				case "upsert" -> SyncChange.upsert(key, (change.owner() != null) ? change.owner() : "",
						change.version(), change.state());
				// An object this link may no longer see is gone for this node.
				case "delete", "forget" -> SyncChange.delete(key, change.version());
				default -> null;
			};
		}

		/**
		 * Show this node's viewers a transition in progress upstream, as its initiator's.
		 */
		private void transition(EntanglementClient.Change change) {
			if (change.transition() == null) {
				return;
			}
			SyncViewer initiator = new SyncViewer("peer:" + PeerLink.this.settings.name() + ":" + change.transition(),
					(change.owner() != null) ? change::owner : null);
			try {
				if ("transition".equals(change.op())) {
					PeerLink.this.manager.mirrorTransition(initiator, this.type, change.id(), change.transition(),
							change.state());
				}
				else {
					PeerLink.this.manager.endMirroredTransition(initiator, this.type, change.id(), change.transition());
				}
			}
			catch (SyncException ex) {
				logger.debug("Transition of " + this.type + "/" + change.id() + " not shown: " + ex.getMessage());
			}
		}

		@Override
		public void refused(SyncException reason) {
			if ("unavailable".equals(reason.getCode()) && !PeerLink.this.stopped) {
				// The peer could not load the objects for now: the link reconnects and
				// resumes from the token it keeps, as after a lost connection.
				logger.warn("Peer '" + PeerLink.this.settings.name() + "' ended the subscription to " + this.type + ": "
						+ reason.getMessage() + "; reconnecting");
				this.connection.close();
				return;
			}
			logger.error("Peer '" + PeerLink.this.settings.name() + "' refused the subscription to " + this.type + ": "
					+ reason.getMessage());
		}

	}

	@Override
	public String toString() {
		return "PeerLink[" + this.settings.name() + " " + this.settings.url() + "]";
	}

}
