package io.entanglement.stomp;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.springframework.web.socket.handler.WebSocketHandlerDecoratorFactory;

/**
 * Puts a {@link StompSessionWriter} under every STOMP session, so Entanglement's batches
 * and Spring's own frames share one ordered, non-blocking write path per connection.
 *
 * @author Entanglement
 */
public final class StompSessionRegistry implements WebSocketHandlerDecoratorFactory {

	private final Map<String, StompSessionWriter> writers = new ConcurrentHashMap<>();

	private final long bufferSizeLimit;

	private final boolean binaryFrames;

	/**
	 * Create a registry.
	 * @param bufferSizeLimit bytes of non-batch frames a session may have queued before
	 * it is closed as unreliable
	 * @param binaryFrames whether batches go out as binary WebSocket messages rather than
	 * text
	 */
	public StompSessionRegistry(long bufferSizeLimit, boolean binaryFrames) {
		this.bufferSizeLimit = bufferSizeLimit;
		this.binaryFrames = binaryFrames;
	}

	@Override
	public WebSocketHandler decorate(WebSocketHandler handler) {
		return new WebSocketHandlerDecorator(handler) {

			/**
			 * Spring's STOMP decoder buffers a frame that arrives in parts, up to the
			 * STOMP message size limit; so the container need not hold a whole inbound
			 * message per connection.
			 */
			@Override
			public boolean supportsPartialMessages() {
				return true;
			}

			@Override
			public void afterConnectionEstablished(WebSocketSession session) throws Exception {
				StompSessionWriter writer = new StompSessionWriter(session, StompSessionRegistry.this.bufferSizeLimit,
						StompSessionRegistry.this.binaryFrames);
				StompSessionRegistry.this.writers.put(session.getId(), writer);
				super.afterConnectionEstablished(writer);
			}

			@Override
			public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) throws Exception {
				super.handleMessage(writerOr(session), message);
			}

			@Override
			public void handleTransportError(WebSocketSession session, Throwable exception) throws Exception {
				super.handleTransportError(writerOr(session), exception);
			}

			@Override
			public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) throws Exception {
				StompSessionWriter writer = StompSessionRegistry.this.writers.remove(session.getId());
				super.afterConnectionClosed((writer != null) ? writer : session, closeStatus);
			}

		};
	}

	private WebSocketSession writerOr(WebSocketSession session) {
		StompSessionWriter writer = this.writers.get(session.getId());
		return (writer != null) ? writer : session;
	}

	@Nullable StompSessionWriter writer(String sessionId) {
		return this.writers.get(sessionId);
	}

	List<StompSessionWriter> writers() {
		return List.copyOf(this.writers.values());
	}

	/**
	 * Close every open session with a status that tells clients to reconnect, to another
	 * instance if there is one: used when this one shuts down. Nothing committed is lost;
	 * clients catch up where they reconnect.
	 * @return the number of sessions closed
	 */
	public int closeAll() {
		int closed = 0;
		for (StompSessionWriter writer : List.copyOf(this.writers.values())) {
			try {
				writer.close(CloseStatus.SERVICE_RESTARTED);
				closed++;
			}
			catch (IOException | RuntimeException ex) {
				// The session is gone either way.
			}
		}
		return closed;
	}

}
