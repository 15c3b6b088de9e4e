package io.entanglement.stomp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

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

	private static final String FINGERPRINT_SEPARATOR = String.valueOf(ViewerFingerprint.SEPARATOR);

	/** A frame buffer larger than this is not kept for the next frames of its thread. */
	private static final int RETAINED_BUFFER = 64 * 1024;

	private static final ThreadLocal<FrameWriter> writers = ThreadLocal.withInitial(FrameWriter::new);

	private StompMessageFrames() {
	}

	/**
	 * The frames as one WebSocket payload, each body copied from its shared encoding. The
	 * headers are written straight into a buffer of the flushing thread, so a payload
	 * costs one allocation of its own size.
	 * @param frames the batches
	 * @param sessionId the session, which prefixes its message ids
	 * @param fingerprint the session's {@link ViewerFingerprint}, written after each
	 * token
	 * @param messageIds the source of this session's message ids
	 * @return the STOMP frames, UTF-8 encoded
	 */
	static byte[] encode(List<SyncFrame> frames, String sessionId, String fingerprint, AtomicLong messageIds) {
		return write(frames, sessionId, fingerprint, messageIds, FrameWriter::toByteArray);
	}

	/**
	 * The frames as the text of one WebSocket text message, decoded straight from the
	 * flushing thread's buffer: the container encodes the text again to write it, so the
	 * bytes are not copied out first.
	 * @param frames the batches
	 * @param sessionId the session, which prefixes its message ids
	 * @param fingerprint the session's {@link ViewerFingerprint}, written after each
	 * token
	 * @param messageIds the source of this session's message ids
	 * @return the STOMP frames, and their size in UTF-8 bytes
	 */
	static Text encodeText(List<SyncFrame> frames, String sessionId, String fingerprint, AtomicLong messageIds) {
		return write(frames, sessionId, fingerprint, messageIds, FrameWriter::toText);
	}

	private static <T> T write(List<SyncFrame> frames, String sessionId, String fingerprint, AtomicLong messageIds,
			Function<FrameWriter, T> result) {
		FrameWriter out = writers.get();
		try {
			for (SyncFrame frame : frames) {
				out.ascii("MESSAGE\ndestination:");
				out.escaped(frame.destination());
				out.ascii("\nsubscription:");
				out.escaped(frame.subscriptionId());
				out.ascii("\nmessage-id:");
				out.escaped(sessionId);
				out.ascii("-");
				out.number(messageIds.incrementAndGet());
				out.ascii("\ncontent-type:application/json\n" + TOKEN_HEADER + ":");
				out.escaped(frame.token());
				// Hex digits: nothing to escape.
				out.ascii(FINGERPRINT_SEPARATOR);
				out.ascii(fingerprint);
				out.ascii("\ncontent-length:");
				out.number(frame.bodyLength());
				out.ascii("\n\n");
				out.bytes(frame.body());
				out.ascii("\0");
			}
			return result.apply(out);
		}
		finally {
			if (!out.reset(RETAINED_BUFFER)) {
				writers.remove();
			}
		}
	}

	/**
	 * STOMP frames as text.
	 *
	 * @param text the frames
	 * @param byteLength their size in UTF-8 bytes
	 */
	record Text(String text, int byteLength) {
	}

	/**
	 * A growable byte buffer that writes header values as STOMP 1.2 escapes them, in
	 * UTF-8.
	 */
	private static final class FrameWriter {

		private byte[] bytes = new byte[4096];

		private int size;

		void ascii(String text) {
			ensure(text.length());
			for (int i = 0; i < text.length(); i++) {
				this.bytes[this.size++] = (byte) text.charAt(i);
			}
		}

		void escaped(String value) {
			// At most two bytes per ASCII character (an escape), three per other UTF-16
			// unit (a surrogate pair takes four for two).
			ensure(value.length() * 3);
			for (int i = 0; i < value.length(); i++) {
				char c = value.charAt(i);
				switch (c) {
					case '\\' -> put('\\', '\\');
					case ':' -> put('\\', 'c');
					case '\n' -> put('\\', 'n');
					case '\r' -> put('\\', 'r');
					default -> {
						if (c < 0x80) {
							this.bytes[this.size++] = (byte) c;
						}
						else if (c < 0x800) {
							put((char) (0xC0 | (c >> 6)), (char) (0x80 | (c & 0x3F)));
						}
						else if (Character.isHighSurrogate(c) && i + 1 < value.length()
								&& Character.isLowSurrogate(value.charAt(i + 1))) {
							int code = Character.toCodePoint(c, value.charAt(++i));
							put((char) (0xF0 | (code >> 18)), (char) (0x80 | ((code >> 12) & 0x3F)));
							put((char) (0x80 | ((code >> 6) & 0x3F)), (char) (0x80 | (code & 0x3F)));
						}
						else if (Character.isSurrogate(c)) {
							// Unpaired, as String.getBytes replaces it.
							this.bytes[this.size++] = '?';
						}
						else {
							this.bytes[this.size++] = (byte) (0xE0 | (c >> 12));
							put((char) (0x80 | ((c >> 6) & 0x3F)), (char) (0x80 | (c & 0x3F)));
						}
					}
				}
			}
		}

		void number(long value) {
			ascii(Long.toString(value));
		}

		void bytes(byte[] body) {
			ensure(body.length);
			System.arraycopy(body, 0, this.bytes, this.size, body.length);
			this.size += body.length;
		}

		byte[] toByteArray() {
			return Arrays.copyOf(this.bytes, this.size);
		}

		Text toText() {
			return new Text(new String(this.bytes, 0, this.size, StandardCharsets.UTF_8), this.size);
		}

		/**
		 * Empty the buffer for the next payload.
		 * @return whether it is small enough to keep
		 */
		boolean reset(int retained) {
			this.size = 0;
			return this.bytes.length <= retained;
		}

		private void put(char first, char second) {
			this.bytes[this.size++] = (byte) first;
			this.bytes[this.size++] = (byte) second;
		}

		private void ensure(int more) {
			if (this.size + more > this.bytes.length) {
				this.bytes = Arrays.copyOf(this.bytes, Math.max(this.bytes.length * 2, this.size + more));
			}
		}

	}

}
