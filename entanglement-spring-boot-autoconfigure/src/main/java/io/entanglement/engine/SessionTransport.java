package io.entanglement.engine;

import java.util.List;

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

}
