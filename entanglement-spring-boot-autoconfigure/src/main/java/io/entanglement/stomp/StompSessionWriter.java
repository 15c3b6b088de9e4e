package io.entanglement.stomp;

import java.io.IOException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.entanglement.engine.SyncFrame;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

/**
 * Serializes every write to one WebSocket session, Spring's STOMP frames and
 * Entanglement's batches alike, and reports when each batch has left so the outbox knows
 * the connection has drained. On a JSR-356 container (Tomcat) writes are asynchronous: no
 * thread waits for a slow client.
 *
 * @author Entanglement
 */
final class StompSessionWriter extends WebSocketSessionDecorator {

	private static final Log logger = LogFactory.getLog(StompSessionWriter.class);

	private static final boolean JAKARTA_WEBSOCKET_PRESENT = ClassUtils.isPresent("jakarta.websocket.Session",
			StompSessionWriter.class.getClassLoader());

	private static final byte UNKNOWN = 0;

	private static final byte TEXT = 1;

	private static final byte BINARY = 2;

	private final Queue<Outgoing> queue = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean writing = new AtomicBoolean();

	private final AtomicLong queuedBytes = new AtomicLong();

	private final AtomicLong messageIds = new AtomicLong();

	private final long bufferSizeLimit;

	private final boolean binaryFrames;

	/**
	 * How this session's batches go out, once known. The client asks on CONNECT, which is
	 * handled before any SUBSCRIBE of the session and so before its first batch: read
	 * once, at that batch, instead of looking the session's attributes up for every one.
	 * Threads that race to read it find the same answer.
	 */
	private byte batchesAs = UNKNOWN;

	private final RemoteEndpoint.@Nullable Async async;

	private volatile boolean closing;

	StompSessionWriter(WebSocketSession session, long bufferSizeLimit, boolean binaryFrames) {
		super(session);
		this.bufferSizeLimit = bufferSizeLimit;
		this.binaryFrames = binaryFrames;
		this.async = JAKARTA_WEBSOCKET_PRESENT ? JakartaAsync.of(session) : null;
	}

	@Override
	public void sendMessage(WebSocketMessage<?> message) throws IOException {
		enqueue(new Outgoing(message, message.getPayloadLength(), null));
		// Spring's own frames (replies, receipts) are bounded here; batches never pile up
		// because the outbox waits for each one to drain.
		if (this.queuedBytes.get() > this.bufferSizeLimit && !this.closing) {
			this.closing = true;
			logger.debug("Send buffer limit exceeded for session " + getId());
			close(CloseStatus.SESSION_NOT_RELIABLE);
		}
	}

	/**
	 * Keeps the container's inbound buffer. Spring's STOMP handler raises it to hold a 16
	 * KB frame whole, a buffer every idle connection would carry; the handler registry
	 * takes frames in parts instead, and the STOMP decoder enforces the message size
	 * limit.
	 */
	@Override
	public void setTextMessageSizeLimit(int messageSizeLimit) {
	}

	@Override
	public void setBinaryMessageSizeLimit(int messageSizeLimit) {
	}

	/**
	 * Write Entanglement's batches and report when they have left. Frames copied from the
	 * shared encodings go out as they are in a binary message to clients that asked for
	 * it on CONNECT; a text message makes the container encode every recipient's copy
	 * again.
	 * @param frames the batches
	 * @param fingerprint the {@link ViewerFingerprint} each token is signed with
	 * @param written called once the write completed or failed
	 */
	void send(List<SyncFrame> frames, String fingerprint, Runnable written) {
		if (binaryFrames()) {
			byte[] payload = StompMessageFrames.encode(frames, getId(), fingerprint, this.messageIds);
			enqueue(new Outgoing(new BinaryMessage(payload), payload.length, written));
		}
		else {
			StompMessageFrames.Text payload = StompMessageFrames.encodeText(frames, getId(), fingerprint,
					this.messageIds);
			enqueue(new Outgoing(new TextMessage(payload.text()), payload.byteLength(), written));
		}
	}

	private boolean binaryFrames() {
		byte known = this.batchesAs;
		if (known == UNKNOWN) {
			known = (this.binaryFrames
					&& Boolean.TRUE.equals(getAttributes().get(StompSubscriptionHandler.BINARY_FRAMES_ATTRIBUTE)))
							? BINARY : TEXT;
			this.batchesAs = known;
		}
		return known == BINARY;
	}

	private void enqueue(Outgoing outgoing) {
		if (!isOpen()) {
			outgoing.done();
			return;
		}
		this.queuedBytes.addAndGet(outgoing.length);
		if (this.queue.isEmpty() && this.writing.compareAndSet(false, true)) {
			// Nothing waits and nothing is being written: write it without queueing it
			// (the queue outlives garbage collections, and linking a message into it
			// costs the collector cards to scan).
			if (write(outgoing)) {
				drain();
			}
			return;
		}
		this.queue.add(outgoing);
		drain();
	}

	private void drain() {
		while (this.writing.compareAndSet(false, true)) {
			Outgoing next = this.queue.poll();
			if (next == null) {
				this.writing.set(false);
				if (this.queue.isEmpty()) {
					return;
				}
				continue;
			}
			if (!write(next)) {
				return;
			}
		}
	}

	/**
	 * Write one message. Returns {@code true} if the write completed on this thread, or
	 * {@code false} if it completes later and its callback continues draining.
	 */
	private boolean write(Outgoing outgoing) {
		RemoteEndpoint.Async remote = this.async;
		if (remote != null && (outgoing.message instanceof TextMessage || outgoing.message instanceof BinaryMessage)) {
			AtomicInteger phase = new AtomicInteger();
			SendHandler handler = (result) -> {
				finished(outgoing, result.isOK() ? null : result.getException());
				if (!phase.compareAndSet(0, 1)) {
					this.writing.set(false);
					drain();
				}
			};
			// A completion the container hands off during this send may run here.
			boolean[] sending = InlineWriteCompletions.flag();
			boolean outer = sending[0];
			sending[0] = true;
			try {
				if (outgoing.message instanceof TextMessage text) {
					remote.sendText(text.getPayload(), handler);
				}
				else {
					remote.sendBinary(((BinaryMessage) outgoing.message).getPayload(), handler);
				}
			}
			catch (RuntimeException ex) {
				finished(outgoing, ex);
				this.writing.set(false);
				return true;
			}
			finally {
				sending[0] = outer;
			}
			if (phase.compareAndSet(0, 2)) {
				return false;
			}
			this.writing.set(false);
			return true;
		}
		Throwable failure = null;
		try {
			getDelegate().sendMessage(outgoing.message);
		}
		catch (IOException | RuntimeException ex) {
			failure = ex;
		}
		finished(outgoing, failure);
		this.writing.set(false);
		return true;
	}

	private void finished(Outgoing outgoing, @Nullable Throwable failure) {
		this.queuedBytes.addAndGet(-outgoing.length);
		if (failure != null && !this.closing) {
			this.closing = true;
			logger.debug("Write to session " + getId() + " failed; closing it", failure);
			try {
				getDelegate().close(CloseStatus.SESSION_NOT_RELIABLE);
			}
			catch (IOException ex) {
				logger.trace("Failed to close session " + getId(), ex);
			}
		}
		outgoing.done();
	}

	private record Outgoing(WebSocketMessage<?> message, int length, @Nullable Runnable written) {

		void done() {
			if (this.written != null) {
				this.written.run();
			}
		}

	}

	/**
	 * Isolates the JSR-356 API, which not every WebSocket engine provides.
	 */
	private static final class JakartaAsync {

		static RemoteEndpoint.@Nullable Async of(WebSocketSession session) {
			WebSocketSession target = session;
			while (target instanceof WebSocketSessionDecorator decorator) {
				target = decorator.getDelegate();
			}
			if (target instanceof NativeWebSocketSession nativeSession
					&& nativeSession.getNativeSession() instanceof jakarta.websocket.Session jakartaSession) {
				return jakartaSession.getAsyncRemote();
			}
			return null;
		}

	}

}
