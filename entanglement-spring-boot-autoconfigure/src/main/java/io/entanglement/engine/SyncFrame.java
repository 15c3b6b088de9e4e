package io.entanglement.engine;

/**
 * One batch for one subscription, ready to be framed by a transport.
 *
 * @param subscriptionId the client's subscription id
 * @param destination the subscribed destination
 * @param token the resume token valid after applying this batch
 * @param body the batch JSON, UTF-8 encoded
 * @param changeCount the number of changes in the batch
 * @author Entanglement
 */
public record SyncFrame(String subscriptionId, String destination, String token, byte[] body, int changeCount) {

	/**
	 * The length of the body.
	 * @return its bytes
	 */
	public int bodyLength() {
		return this.body.length;
	}

}
