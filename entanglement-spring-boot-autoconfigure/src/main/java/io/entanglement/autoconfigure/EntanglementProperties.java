package io.entanglement.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.entanglement.peer.PeerSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for Entanglement.
 *
 * @author Entanglement
 */
@ConfigurationProperties("entanglement")
public class EntanglementProperties {

	/**
	 * Whether to enable Entanglement.
	 */
	private boolean enabled = true;

	/**
	 * Identifier of this node. Owns the objects whose entity has no @SyncOwner value.
	 */
	private String nodeId = "node";

	private final Stomp stomp = new Stomp();

	private final Session session = new Session();

	private final Tombstones tombstones = new Tombstones();

	private final Encodings encodings = new Encodings();

	private final Schema schema = new Schema();

	private final Proposals proposals = new Proposals();

	private final Transitions transitions = new Transitions();

	private final Security security = new Security();

	/**
	 * Upstream nodes this node is a peer of: it mirrors their chosen types into its own
	 * stores, re-publishes them to its own clients and forwards proposals for their
	 * objects to them.
	 */
	private List<Peer> peers = new ArrayList<>();

	private final Relay relay = new Relay();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getNodeId() {
		return this.nodeId;
	}

	public void setNodeId(String nodeId) {
		this.nodeId = nodeId;
	}

	public Relay getRelay() {
		return this.relay;
	}

	public Stomp getStomp() {
		return this.stomp;
	}

	public Session getSession() {
		return this.session;
	}

	public Tombstones getTombstones() {
		return this.tombstones;
	}

	public Encodings getEncodings() {
		return this.encodings;
	}

	public Schema getSchema() {
		return this.schema;
	}

	public Proposals getProposals() {
		return this.proposals;
	}

	public Transitions getTransitions() {
		return this.transitions;
	}

	public Security getSecurity() {
		return this.security;
	}

	public List<Peer> getPeers() {
		return this.peers;
	}

	public void setPeers(List<Peer> peers) {
		this.peers = peers;
	}

	/**
	 * One upstream node this node is a peer of.
	 */
	public static class Peer {

		/**
		 * Name of the peer, under which its resume tokens and the routes of the objects
		 * learned from it are kept.
		 */
		private String name;

		/**
		 * STOMP endpoint of the peer, such as 'wss://hub.example.com/entanglement'.
		 */
		private URI url;

		/**
		 * User name for HTTP Basic authentication of the link's handshake.
		 */
		private String username;

		/**
		 * Password for HTTP Basic authentication of the link's handshake.
		 */
		private String password;

		/**
		 * Bearer token for the link's handshake, instead of a user name and password.
		 */
		private String token;

		/**
		 * Types to mirror from the peer.
		 */
		private List<String> types = new ArrayList<>();

		/**
		 * Subscription filter of each mirrored type: equality on attributes, such as
		 * 'filters.location.team=red'.
		 */
		private Map<String, Map<String, String>> filters = new LinkedHashMap<>();

		/**
		 * Byte budget per second the link asks the peer for, below the peer's own cap.
		 * Zero for the peer's cap.
		 */
		private DataSize maxBytesPerSecond = DataSize.ofBytes(0);

		/**
		 * How often the link is connected again while it is down.
		 */
		private Duration reconnectInterval = Duration.ofSeconds(1);

		/**
		 * Whether the link runs. A disabled peer is removed at startup, as 'on-removal'
		 * says.
		 */
		private boolean enabled = true;

		/**
		 * What happens to the objects mirrored from the peer when it is removed: kept
		 * read-only, or deleted.
		 */
		private PeerSettings.Removal onRemoval = PeerSettings.Removal.KEEP;

		/**
		 * SSL bundle of a 'wss://' link, such as one whose trust store holds only the
		 * peer's certificate.
		 */
		private String sslBundle;

		public String getSslBundle() {
			return this.sslBundle;
		}

		public void setSslBundle(String sslBundle) {
			this.sslBundle = sslBundle;
		}

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public URI getUrl() {
			return this.url;
		}

		public void setUrl(URI url) {
			this.url = url;
		}

		public String getUsername() {
			return this.username;
		}

		public void setUsername(String username) {
			this.username = username;
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

		public String getToken() {
			return this.token;
		}

		public void setToken(String token) {
			this.token = token;
		}

		public List<String> getTypes() {
			return this.types;
		}

		public void setTypes(List<String> types) {
			this.types = types;
		}

		public Map<String, Map<String, String>> getFilters() {
			return this.filters;
		}

		public void setFilters(Map<String, Map<String, String>> filters) {
			this.filters = filters;
		}

		public DataSize getMaxBytesPerSecond() {
			return this.maxBytesPerSecond;
		}

		public void setMaxBytesPerSecond(DataSize maxBytesPerSecond) {
			this.maxBytesPerSecond = maxBytesPerSecond;
		}

		public Duration getReconnectInterval() {
			return this.reconnectInterval;
		}

		public void setReconnectInterval(Duration reconnectInterval) {
			this.reconnectInterval = reconnectInterval;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public PeerSettings.Removal getOnRemoval() {
			return this.onRemoval;
		}

		public void setOnRemoval(PeerSettings.Removal onRemoval) {
			this.onRemoval = onRemoval;
		}

	}

	/**
	 * Scale-out: several instances share one database and an external STOMP broker
	 * (RabbitMQ with its STOMP plugin, or ActiveMQ Artemis) through Spring's broker
	 * relay.
	 */
	public static class Relay {

		/**
		 * Whether to relay broker destinations to an external STOMP broker instead of
		 * Spring's simple broker, and to share commits with the other instances through
		 * it. Needs spring-boot-starter-reactor-netty.
		 */
		private boolean enabled;

		/**
		 * Host of the STOMP broker.
		 */
		private String host = "127.0.0.1";

		/**
		 * STOMP port of the broker.
		 */
		private int port = 61613;

		/**
		 * Login of the broker connections opened for client sessions.
		 */
		private String clientLogin = "guest";

		/**
		 * Passcode of the broker connections opened for client sessions.
		 */
		private String clientPasscode = "guest";

		/**
		 * Login of the shared system connection that carries the instances' notices.
		 */
		private String systemLogin = "guest";

		/**
		 * Passcode of the shared system connection.
		 */
		private String systemPasscode = "guest";

		/**
		 * Virtual host sent in the STOMP CONNECT "host" header, if the broker needs one
		 * (RabbitMQ: the vhost, for example "/").
		 */
		private @Nullable String virtualHost;

		/**
		 * Interval at which the system connection sends heartbeats to the broker.
		 */
		private Duration systemHeartbeatSendInterval = Duration.ofSeconds(10);

		/**
		 * Interval within which the system connection expects heartbeats from the broker.
		 */
		private Duration systemHeartbeatReceiveInterval = Duration.ofSeconds(10);

		/**
		 * Identifier of this instance among the instances sharing the broker (letters and
		 * digits). A random one is generated at startup when not set.
		 */
		private @Nullable String instanceId;

		/**
		 * How long a gap in the commits heard from other instances may last before it is
		 * filled from the database change log (a notice lost while the broker was away).
		 */
		private Duration resyncInterval = Duration.ofSeconds(1);

		/**
		 * How long the users connected to another instance are known here after that
		 * instance last broadcast them; each instance broadcasts its users every half of
		 * it. Proposals reach an owner connected to another instance once it is known.
		 */
		private Duration userRegistryExpiration = Duration.ofSeconds(20);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getHost() {
			return this.host;
		}

		public void setHost(String host) {
			this.host = host;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public String getClientLogin() {
			return this.clientLogin;
		}

		public void setClientLogin(String clientLogin) {
			this.clientLogin = clientLogin;
		}

		public String getClientPasscode() {
			return this.clientPasscode;
		}

		public void setClientPasscode(String clientPasscode) {
			this.clientPasscode = clientPasscode;
		}

		public String getSystemLogin() {
			return this.systemLogin;
		}

		public void setSystemLogin(String systemLogin) {
			this.systemLogin = systemLogin;
		}

		public String getSystemPasscode() {
			return this.systemPasscode;
		}

		public void setSystemPasscode(String systemPasscode) {
			this.systemPasscode = systemPasscode;
		}

		public @Nullable String getVirtualHost() {
			return this.virtualHost;
		}

		public void setVirtualHost(@Nullable String virtualHost) {
			this.virtualHost = virtualHost;
		}

		public Duration getSystemHeartbeatSendInterval() {
			return this.systemHeartbeatSendInterval;
		}

		public void setSystemHeartbeatSendInterval(Duration systemHeartbeatSendInterval) {
			this.systemHeartbeatSendInterval = systemHeartbeatSendInterval;
		}

		public Duration getSystemHeartbeatReceiveInterval() {
			return this.systemHeartbeatReceiveInterval;
		}

		public void setSystemHeartbeatReceiveInterval(Duration systemHeartbeatReceiveInterval) {
			this.systemHeartbeatReceiveInterval = systemHeartbeatReceiveInterval;
		}

		public @Nullable String getInstanceId() {
			return this.instanceId;
		}

		public void setInstanceId(@Nullable String instanceId) {
			this.instanceId = instanceId;
		}

		public Duration getUserRegistryExpiration() {
			return this.userRegistryExpiration;
		}

		public void setUserRegistryExpiration(Duration userRegistryExpiration) {
			this.userRegistryExpiration = userRegistryExpiration;
		}

		public Duration getResyncInterval() {
			return this.resyncInterval;
		}

		public void setResyncInterval(Duration resyncInterval) {
			this.resyncInterval = resyncInterval;
		}

	}

	/**
	 * Security properties: mandatory access control and access control lists.
	 */
	public static class Security {

		/**
		 * Mandatory access levels, lowest first. Labels and clearances read
		 * 'LEVEL:CATEGORY,CATEGORY'.
		 */
		private List<String> levels = new ArrayList<>(List.of("UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "TOP_SECRET"));

		/**
		 * Clearance granted by each authority, such as 'ROLE_STAFF: SECRET:RED,BLUE'. A
		 * principal's clearance combines those of its authorities; without any, it has
		 * the lowest level and no category.
		 */
		private Map<String, String> clearances = new LinkedHashMap<>();

		private final Acl acl = new Acl();

		public List<String> getLevels() {
			return this.levels;
		}

		public void setLevels(List<String> levels) {
			this.levels = levels;
		}

		public Map<String, String> getClearances() {
			return this.clearances;
		}

		public void setClearances(Map<String, String> clearances) {
			this.clearances = clearances;
		}

		public Acl getAcl() {
			return this.acl;
		}

		/**
		 * Access control list properties.
		 */
		public static class Acl {

			/**
			 * Synchronized types whose objects Spring Security access control lists
			 * govern: READ to see an object, WRITE to propose changes to it,
			 * ADMINISTRATION to change its list. Access control lists are used when at
			 * least one type is listed.
			 */
			private List<String> types = new ArrayList<>();

			/**
			 * Authority that may change every access control list.
			 */
			private String adminAuthority = "ROLE_ADMIN";

			/**
			 * Whether to create the access control list tables with Flyway at startup, in
			 * a history table of their own.
			 */
			private boolean migrate = true;

			/**
			 * Name of the Flyway schema history table of the access control list
			 * migrations.
			 */
			private String historyTable = "entanglement_acl_schema_history";

			/**
			 * Maximum number of access control lists, and of objects with cached
			 * decisions, kept in memory. Bounds the caches only with Caffeine on the
			 * class path; without it they are unbounded.
			 */
			private int cacheSize = 10_000;

			public List<String> getTypes() {
				return this.types;
			}

			public void setTypes(List<String> types) {
				this.types = types;
			}

			public String getAdminAuthority() {
				return this.adminAuthority;
			}

			public void setAdminAuthority(String adminAuthority) {
				this.adminAuthority = adminAuthority;
			}

			public boolean isMigrate() {
				return this.migrate;
			}

			public void setMigrate(boolean migrate) {
				this.migrate = migrate;
			}

			public String getHistoryTable() {
				return this.historyTable;
			}

			public void setHistoryTable(String historyTable) {
				this.historyTable = historyTable;
			}

			public int getCacheSize() {
				return this.cacheSize;
			}

			public void setCacheSize(int cacheSize) {
				this.cacheSize = cacheSize;
			}

		}

	}

	/**
	 * Transition properties.
	 */
	public static class Transitions {

		/**
		 * How long a transition lives without an update before its viewers are told it
		 * 'expired'.
		 */
		private Duration ttl = Duration.ofSeconds(10);

		/**
		 * How many frames of transition updates a session receives per second at most;
		 * updates in between coalesce per object.
		 */
		private int maxRate = 20;

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public int getMaxRate() {
			return this.maxRate;
		}

		public void setMaxRate(int maxRate) {
			this.maxRate = maxRate;
		}

	}

	/**
	 * Proposal properties.
	 */
	public static class Proposals {

		/**
		 * How long a user owner has to answer a forwarded proposal before the proposer is
		 * told 'timeout'.
		 */
		private Duration timeout = Duration.ofSeconds(10);

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * STOMP endpoint properties.
	 */
	public static class Stomp {

		static final DataSize DEFAULT_CONTAINER_BUFFER_SIZE = DataSize.ofKilobytes(2);

		/**
		 * Path of the STOMP over WebSocket endpoint. Its handshake is matched before the
		 * application's own mappings, so a page fallback mapped to /** does not answer
		 * it.
		 */
		private String endpoint = "/entanglement";

		/**
		 * Origin patterns allowed to open the WebSocket, such as 'https://*.example.com'.
		 * When empty, only same-origin requests are allowed.
		 */
		private String[] allowedOriginPatterns = {};

		/**
		 * Maximum size of an inbound STOMP message.
		 */
		private DataSize maxMessageSize = DataSize.ofKilobytes(64);

		/**
		 * Maximum size of frames other than batches (replies, receipts) queued for one
		 * session before it is closed as unreliable.
		 */
		private DataSize sendBufferSizeLimit = DataSize.ofMegabytes(1);

		/**
		 * Whether clients may only subscribe and send to Entanglement's own destinations.
		 * Switch off only if the application's clients use other STOMP destinations on
		 * this endpoint, and secure those with Spring Security's message authorization.
		 */
		private boolean restrictDestinations = true;

		/**
		 * Whether to accept the WebSocket permessage-deflate extension when a client
		 * offers it and the server supports it. Compression trades server CPU and latency
		 * for fewer bytes on the wire; worth it on thin links.
		 */
		private boolean compression;

		/**
		 * Whether batches go out as binary WebSocket messages (UTF-8 STOMP frames, each
		 * copied from the encodings shared by all recipients) to clients that ask for
		 * them with the CONNECT header 'entanglement-binary-frames:true'. Other clients
		 * get text messages, which the container encodes for every recipient again.
		 * Switch off to send every frame as text.
		 */
		private boolean binaryFrames = true;

		/**
		 * Size of each of the three buffers Tomcat gives every WebSocket connection for
		 * framing and writing (its 'org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE', 8
		 * KB by default), held by idle connections too. Tomcat also encodes a text
		 * message in pieces of this size and writes each on its own, so a text batch
		 * larger than it takes several writes; binary batches go out whole. Set once per
		 * JVM before Tomcat starts, unless that system property is given; zero keeps
		 * Tomcat's default.
		 */
		private DataSize containerBufferSize = DataSize.ofKilobytes(2);

		/**
		 * Whether, on Tomcat, the completion of a STOMP write the socket took at once
		 * runs on the thread that wrote it. Tomcat otherwise wakes one of its request
		 * threads for every write. The starter gives each connector the executor Tomcat
		 * would create (same 'server.tomcat.threads.*' settings), which runs these
		 * completions in place; a connector with an executor of its own keeps it. As with
		 * any executor set on a connector, Tomcat's JMX thread pool, and the
		 * 'tomcat.threads.config.max' metric read from it, then report -1 for the
		 * configured maximum. Switch off to keep Tomcat's executor.
		 */
		private boolean inlineWriteCompletions = true;

		public boolean isInlineWriteCompletions() {
			return this.inlineWriteCompletions;
		}

		public void setInlineWriteCompletions(boolean inlineWriteCompletions) {
			this.inlineWriteCompletions = inlineWriteCompletions;
		}

		public DataSize getContainerBufferSize() {
			return this.containerBufferSize;
		}

		public void setContainerBufferSize(DataSize containerBufferSize) {
			this.containerBufferSize = containerBufferSize;
		}

		public boolean isBinaryFrames() {
			return this.binaryFrames;
		}

		public void setBinaryFrames(boolean binaryFrames) {
			this.binaryFrames = binaryFrames;
		}

		public boolean isCompression() {
			return this.compression;
		}

		public void setCompression(boolean compression) {
			this.compression = compression;
		}

		public boolean isRestrictDestinations() {
			return this.restrictDestinations;
		}

		public void setRestrictDestinations(boolean restrictDestinations) {
			this.restrictDestinations = restrictDestinations;
		}

		public String getEndpoint() {
			return this.endpoint;
		}

		public void setEndpoint(String endpoint) {
			this.endpoint = endpoint;
		}

		public String[] getAllowedOriginPatterns() {
			return this.allowedOriginPatterns;
		}

		public void setAllowedOriginPatterns(String[] allowedOriginPatterns) {
			this.allowedOriginPatterns = allowedOriginPatterns;
		}

		public DataSize getMaxMessageSize() {
			return this.maxMessageSize;
		}

		public void setMaxMessageSize(DataSize maxMessageSize) {
			this.maxMessageSize = maxMessageSize;
		}

		public DataSize getSendBufferSizeLimit() {
			return this.sendBufferSizeLimit;
		}

		public void setSendBufferSizeLimit(DataSize sendBufferSizeLimit) {
			this.sendBufferSizeLimit = sendBufferSizeLimit;
		}

	}

	/**
	 * Per-session delivery properties.
	 */
	public static class Session {

		/**
		 * Minimum time between two batches to one session; changes coalesce meanwhile.
		 * Zero sends a batch whenever the connection is idle.
		 */
		private Duration flushInterval = Duration.ZERO;

		/**
		 * Maximum bytes per second sent to one session; changes coalesce while the budget
		 * is spent. Zero means no limit.
		 */
		private DataSize maxBytesPerSecond = DataSize.ofBytes(0);

		/**
		 * Maximum number of distinct objects pending for one subscription. A subscription
		 * that falls further behind is reset and sent a fresh snapshot.
		 */
		private int maxPending = 10_000;

		/**
		 * Target size of one network write; several batches of one session share a write
		 * up to this size.
		 */
		private DataSize maxWriteSize = DataSize.ofKilobytes(32);

		/**
		 * Whether an update may be sent as a patch (only the attributes that changed) to
		 * subscriptions that ask for patches and hold the version just before it.
		 */
		private boolean deltaEncoding = true;

		/**
		 * Writes per second across all sessions above which each session's writes are
		 * spaced out so the whole stays near this rate; changes coalesce meanwhile, so
		 * each write carries more of them. Below it, a session is written to as soon as
		 * it is idle. Zero never spaces writes out.
		 */
		private int maxWritesPerSecond = 25_000;

		/**
		 * Longest spacing between two writes to one session that 'max-writes-per-second'
		 * may impose: the most latency it may add.
		 */
		private Duration maxCoalesceDelay = Duration.ofMillis(50);

		public int getMaxWritesPerSecond() {
			return this.maxWritesPerSecond;
		}

		public void setMaxWritesPerSecond(int maxWritesPerSecond) {
			this.maxWritesPerSecond = maxWritesPerSecond;
		}

		public Duration getMaxCoalesceDelay() {
			return this.maxCoalesceDelay;
		}

		public void setMaxCoalesceDelay(Duration maxCoalesceDelay) {
			this.maxCoalesceDelay = maxCoalesceDelay;
		}

		public boolean isDeltaEncoding() {
			return this.deltaEncoding;
		}

		public void setDeltaEncoding(boolean deltaEncoding) {
			this.deltaEncoding = deltaEncoding;
		}

		public Duration getFlushInterval() {
			return this.flushInterval;
		}

		public void setFlushInterval(Duration flushInterval) {
			this.flushInterval = flushInterval;
		}

		public DataSize getMaxBytesPerSecond() {
			return this.maxBytesPerSecond;
		}

		public void setMaxBytesPerSecond(DataSize maxBytesPerSecond) {
			this.maxBytesPerSecond = maxBytesPerSecond;
		}

		public int getMaxPending() {
			return this.maxPending;
		}

		public void setMaxPending(int maxPending) {
			this.maxPending = maxPending;
		}

		public DataSize getMaxWriteSize() {
			return this.maxWriteSize;
		}

		public void setMaxWriteSize(DataSize maxWriteSize) {
			this.maxWriteSize = maxWriteSize;
		}

	}

	/**
	 * Tombstone (delete record) properties.
	 */
	public static class Tombstones {

		/**
		 * How long deletes stay available to catch-up. A client resuming from an older
		 * token is reset and sent a full snapshot.
		 */
		private Duration retention = Duration.ofDays(7);

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

	}

	/**
	 * Properties of the encodings kept in memory.
	 */
	public static class Encodings {

		/**
		 * Maximum number of objects per type whose newest encoding is kept in memory and
		 * shared by snapshots, catch-up and late changes. Beyond it, the least recently
		 * changed are dropped and read back from their store when needed. As many deleted
		 * objects keep their last state, and as many changes of access the access they
		 * were announced with, so that catch-up decides who hears of a deletion or a lost
		 * access.
		 */
		private int keptPerType = 100_000;

		public int getKeptPerType() {
			return this.keptPerType;
		}

		public void setKeptPerType(int keptPerType) {
			this.keptPerType = keptPerType;
		}

	}

	/**
	 * Change log schema properties.
	 */
	public static class Schema {

		/**
		 * Whether to create and migrate the change log tables with Flyway at startup, in
		 * a history table of their own.
		 */
		private boolean migrate = true;

		/**
		 * Name of the Flyway schema history table of the change log migrations.
		 */
		private String historyTable = "entanglement_schema_history";

		public boolean isMigrate() {
			return this.migrate;
		}

		public void setMigrate(boolean migrate) {
			this.migrate = migrate;
		}

		public String getHistoryTable() {
			return this.historyTable;
		}

		public void setHistoryTable(String historyTable) {
			this.historyTable = historyTable;
		}

	}

}
