package io.entanglement.stomp;

import io.entanglement.engine.SyncFrame;

/**
 * Writes STOMP 1.2 MESSAGE frames around a batch body. Only the headers are per
 * recipient; the body is built from change encodings shared by all recipients.
 *
 * @author Entanglement
 */
final class StompMessageFrames {

	/** The header carrying the resume token valid after the frame. */
	static final String TOKEN_HEADER = "entanglement-token";

	private StompMessageFrames() {
	}

	static void append(StringBuilder out, SyncFrame frame, String messageId) {
		out.append("MESSAGE\n");
		header(out, "destination", frame.destination());
		header(out, "subscription", frame.subscriptionId());
		header(out, "message-id", messageId);
		out.append("content-type:application/json\n");
		header(out, TOKEN_HEADER, frame.token());
		out.append("content-length:").append(frame.bodyLength()).append("\n\n");
		out.append(frame.body()).append('\0');
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
