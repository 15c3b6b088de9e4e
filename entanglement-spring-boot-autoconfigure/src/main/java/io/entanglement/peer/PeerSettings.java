package io.entanglement.peer;

import java.net.URI;
import java.util.Map;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.web.socket.WebSocketHttpHeaders;

/**
 * How this node reaches one upstream peer, and what it mirrors from it.
 *
 * @param name the peer's name, under which its routes and resume tokens are kept
 * @param url the peer's STOMP endpoint, such as
 * {@code wss://hub.example.com/entanglement}
 * @param headers the handshake headers: the link's credentials
 * @param types the types to mirror, each with its subscription filter (empty for none)
 * @param maxBytesPerSecond the byte budget the link asks the peer for, zero for the
 * peer's own cap
 * @param enabled whether the link runs; a disabled peer is removed at start
 * @param onRemoval what happens to the objects mirrored from the peer when it is removed
 * @param sslContext the SSL context of a {@code wss://} link, such as one trusting only
 * the peer's certificate; {@code null} for the JDK's default
 * @author Entanglement
 */
public record PeerSettings(String name, URI url, WebSocketHttpHeaders headers, Map<String, Map<String, String>> types,
		long maxBytesPerSecond, boolean enabled, Removal onRemoval, @Nullable SSLContext sslContext) {

	/**
	 * Validate the settings.
	 */
	public PeerSettings {
		Assert.hasText(name, "A peer needs a name");
		Assert.isTrue(name.length() <= 100, "A peer name has at most 100 characters");
		Assert.isTrue(maxBytesPerSecond >= 0, "'maxBytesPerSecond' must not be negative");
		types = Map.copyOf(types);
	}

	/**
	 * What happens to the objects mirrored from a peer when it is removed.
	 */
	public enum Removal {

		/**
		 * Keep them, read-only: local writes stay refused and proposals are answered
		 * {@code owner-unreachable}; the routes and tokens stay, so adding the peer back
		 * resumes with catch-up.
		 */
		KEEP,

		/**
		 * Delete them (each delete published to this node's subscribers) and forget the
		 * peer's routes and resume tokens.
		 */
		CLEAR

	}

}
