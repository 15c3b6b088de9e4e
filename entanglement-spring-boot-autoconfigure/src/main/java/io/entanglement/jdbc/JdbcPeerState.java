package io.entanglement.jdbc;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.entanglement.ObjectKey;
import io.entanglement.engine.PeerState;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * {@link PeerState} in two tables created by the starter's migration, so a restarted node
 * resumes each peer with catch-up and keeps every object's next hop. Routes are read once
 * and kept in memory: every write of a synchronized entity asks for them.
 *
 * @author Entanglement
 */
public final class JdbcPeerState implements PeerState {

	private static final Log logger = LogFactory.getLog(JdbcPeerState.class);

	private final JdbcTemplate jdbc;

	private volatile @Nullable Map<ObjectKey, String> routes;

	/**
	 * Create a peer state on the application's data source.
	 * @param dataSource the data source holding the peer tables
	 */
	public JdbcPeerState(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
	}

	private Map<ObjectKey, String> routes() {
		Map<ObjectKey, String> routes = this.routes;
		if (routes == null) {
			synchronized (this) {
				routes = this.routes;
				if (routes == null) {
					Map<ObjectKey, String> loaded = new ConcurrentHashMap<>();
					try {
						this.jdbc.query("SELECT object_type, object_id, peer FROM entanglement_peer_route",
								(RowCallbackHandler) (row) -> loaded
									.put(new ObjectKey(row.getString(1), row.getString(2)), row.getString(3)));
					}
					catch (BadSqlGrammarException ex) {
						// Tables not migrated (entanglement.schema.migrate=false): a node
						// without peers works without them.
						logger
							.warn("Peer routes unavailable; objects are not protected as mirrored: " + ex.getMessage());
					}
					this.routes = loaded;
					routes = loaded;
				}
			}
		}
		return routes;
	}

	@Override
	public @Nullable String route(ObjectKey key) {
		return routes().get(key);
	}

	@Override
	public synchronized String claim(ObjectKey key, String peer) {
		String known = routes().get(key);
		if (known != null) {
			return known;
		}
		try {
			this.jdbc.update("INSERT INTO entanglement_peer_route (object_type, object_id, peer) VALUES (?, ?, ?)",
					key.type(), key.id(), peer);
		}
		catch (DuplicateKeyException ex) {
			String stored = this.jdbc.queryForObject(
					"SELECT peer FROM entanglement_peer_route WHERE object_type = ? AND object_id = ?", String.class,
					key.type(), key.id());
			routes().put(key, stored);
			return stored;
		}
		routes().put(key, peer);
		return peer;
	}

	@Override
	public List<ObjectKey> routed(String peer) {
		return routes().entrySet()
			.stream()
			.filter((entry) -> entry.getValue().equals(peer))
			.map(Map.Entry::getKey)
			.toList();
	}

	@Override
	public @Nullable String token(String peer, String type) {
		List<String> tokens = this.jdbc.queryForList(
				"SELECT token FROM entanglement_peer_token WHERE peer = ? AND object_type = ?", String.class, peer,
				type);
		return tokens.isEmpty() ? null : tokens.get(0);
	}

	@Override
	public synchronized void saveToken(String peer, String type, String token) {
		int updated = this.jdbc.update(
				"UPDATE entanglement_peer_token SET token = ? WHERE peer = ? AND object_type = ?", token, peer, type);
		if (updated == 0) {
			this.jdbc.update("INSERT INTO entanglement_peer_token (peer, object_type, token) VALUES (?, ?, ?)", peer,
					type, token);
		}
	}

	@Override
	public synchronized void forget(String peer) {
		this.jdbc.update("DELETE FROM entanglement_peer_token WHERE peer = ?", peer);
		this.jdbc.update("DELETE FROM entanglement_peer_route WHERE peer = ?", peer);
		routes().values().removeIf(peer::equals);
	}

}
