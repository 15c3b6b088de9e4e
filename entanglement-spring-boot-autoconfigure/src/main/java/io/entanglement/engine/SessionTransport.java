package io.entanglement.engine;

import java.util.List;

import io.entanglement.SyncException;

/**
 * Writes batches to one connection and says when they left, so the outbox releases the
 * next batch only when the connection has drained the previous one.
 *
 * @author Entanglement
 */
public interface SessionTransport {

	/**
	 * Write the frames, in one network write where the transport can.
	 * @param frames the frames
	 * @param written called once the write completed or failed
	 */
	void send(List<SyncFrame> frames, Runnable written);

	/**
	 * The server ended one of the connection's subscriptions: nothing more arrives on it.
	 * Tell the client why, where the transport has a way to.
	 * @param subscriptionId the subscription's id
	 * @param type the type it was to
	 * @param reason why, with the code for the client
	 */
	default void ended(String subscriptionId, String type, SyncException reason) {
	}

}
