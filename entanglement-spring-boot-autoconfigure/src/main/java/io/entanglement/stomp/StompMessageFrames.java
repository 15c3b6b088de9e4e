package io.entanglement.stomp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.entanglement.engine.SyncFrame;

/**
 * Writes STOMP 1.2 MESSAGE frames around batch bodies. Only the headers are encoded per
 * recipient; the bodies are copied from change encodings shared by all recipients.
 *
 * @author Entanglement
 */
final class StompMessageFrames {

	/** The header carrying the resume token valid after the frame. */
	static final String TOKEN_HEADER = "entanglement-token";

	private StompMessageFrames() {
	}

	/**
	 * The frames as one WebSocket payload, each body copied from its shared encoding.
	 * @param frames the batches
	 * @param sessionId the session, which prefixes its message ids
	 * @param messageIds the source of this session's message ids
	 * @return the STOMP frames, UTF-8 encoded
	 */
	static byte[] encode(List<SyncFrame> frames, String sessionId, AtomicLong messageIds) {
		byte[][] heads = new byte[frames.size()][];
		int size = 0;
		for (int i = 0; i < heads.length; i++) {
			SyncFrame frame = frames.get(i);
			heads[i] = head(frame, sessionId + "-" + messageIds.incrementAndGet());
			size += heads[i].length + frame.bodyLength() + 1;
		}
		byte[] payload = new byte[size];
		int at = 0;
		for (int i = 0; i < heads.length; i++) {
			byte[] body = frames.get(i).body();
			System.arraycopy(heads[i], 0, payload, at, heads[i].length);
			at += heads[i].length;
			System.arraycopy(body, 0, payload, at, body.length);
			at += body.length;
			payload[at++] = 0;
		}
		return payload;
	}

	private static byte[] head(SyncFrame frame, String messageId) {
		StringBuilder out = new StringBuilder(128 + frame.destination().length() + frame.token().length());
		out.append("MESSAGE\n");
		header(out, "destination", frame.destination());
		header(out, "subscription", frame.subscriptionId());
		header(out, "message-id", messageId);
		out.append("content-type:application/json\n");
		header(out, TOKEN_HEADER, frame.token());
		out.append("content-length:").append(frame.bodyLength()).append("\n\n");
		return out.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static void header(StringBuilder out, String name, String value) {
		out.append(name).append(':');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '\\' -> out.append("\\\\");
				case ':' -> out.append("\\c");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				default -> out.append(c);
			}
		}
		out.append('\n');
	}

}
