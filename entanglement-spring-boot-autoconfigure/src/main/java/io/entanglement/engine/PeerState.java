package io.entanglement.engine;

import java.util.List;

import io.entanglement.ObjectKey;
import org.jspecify.annotations.Nullable;

/**
 * What a node remembers of its upstream peers, durably where it can: the resume token of
 * each mirrored type per peer, and, per mirrored object, the peer it was first learned
 * from (its next hop toward the owner).
 *
 * @author Entanglement
 */
public interface PeerState {

	/**
	 * The peer an object was first learned from.
	 * @param key the object
	 * @return the peer name, or {@code null} if the object was never mirrored
	 */
	@Nullable String route(ObjectKey key);

	/**
	 * Record that an object is learned from a peer, unless it is already learned from
	 * another one: the first path learned wins.
	 * @param key the object
	 * @param peer the peer name
	 * @return the peer the object is learned from now
	 */
	String claim(ObjectKey key, String peer);

	/**
	 * The objects learned from a peer.
	 * @param peer the peer name
	 * @return their keys
	 */
	List<ObjectKey> routed(String peer);

	/**
	 * The resume token last saved for a type of a peer.
	 * @param peer the peer name
	 * @param type the type name
	 * @return the token, or {@code null} for none
	 */
	@Nullable String token(String peer, String type);

	/**
	 * Save the resume token of a type of a peer.
	 * @param peer the peer name
	 * @param type the type name
	 * @param token the token valid after the last applied batch
	 */
	void saveToken(String peer, String type, String token);

	/**
	 * Forget a peer: its tokens and the routes of the objects learned from it.
	 * @param peer the peer name
	 */
	void forget(String peer);

}
