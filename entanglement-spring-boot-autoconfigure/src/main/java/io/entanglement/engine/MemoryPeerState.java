package io.entanglement.engine;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.entanglement.ObjectKey;
import org.jspecify.annotations.Nullable;

/**
 * {@link PeerState} held in memory, for nodes without a database: after a restart, peers
 * start again with a full copy.
 *
 * @author Entanglement
 */
public final class MemoryPeerState implements PeerState {

	private final Map<ObjectKey, String> routes = new ConcurrentHashMap<>();

	private final Map<String, String> tokens = new ConcurrentHashMap<>();

	@Override
	public @Nullable String route(ObjectKey key) {
		return this.routes.get(key);
	}

	@Override
	public String claim(ObjectKey key, String peer) {
		String previous = this.routes.putIfAbsent(key, peer);
		return (previous != null) ? previous : peer;
	}

	@Override
	public List<ObjectKey> routed(String peer) {
		return this.routes.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().equals(peer))
			.map(Map.Entry::getKey)
			.toList();
	}

	@Override
	public @Nullable String token(String peer, String type) {
		return this.tokens.get(peer + "\u0000" + type);
	}

	@Override
	public void saveToken(String peer, String type, String token) {
		this.tokens.put(peer + "\u0000" + type, token);
	}

	@Override
	public void forget(String peer) {
		this.routes.values().removeIf(peer::equals);
		this.tokens.keySet().removeIf((key) -> key.startsWith(peer + "\u0000"));
	}

}
