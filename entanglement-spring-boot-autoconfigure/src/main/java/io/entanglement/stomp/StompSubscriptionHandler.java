package io.entanglement.stomp;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.entanglement.InvalidRequestException;
import io.entanglement.SyncException;
import io.entanglement.SyncViewer;
import io.entanglement.engine.SessionOutbox;
import io.entanglement.engine.SessionTransport;
import io.entanglement.engine.SyncFrame;
import io.entanglement.engine.SyncManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.support.NativeMessageHeaderAccessor;

/**
 * Handles SUBSCRIBE and UNSUBSCRIBE for {@code /entanglement/{type}} and the end of
 * sessions, on the client inbound channel beside Spring's own broker handlers.
 *
 * @author Entanglement
 */
public final class StompSubscriptionHandler extends InboundChannelHandler {

	/** The header with which a client resumes from a token. */
	public static final String SINCE_HEADER = "entanglement-since";

	/** The header with which a client filters by attribute values. */
	public static final String FILTER_HEADER = "entanglement-filter";

	/**
	 * The header with which a client says it applies {@code patch} changes
	 * ({@code entanglement-delta:true}).
	 */
	public static final String DELTA_HEADER = "entanglement-delta";

	/**
	 * The CONNECT header by which a client asks for a byte budget per second of its own,
	 * below the node's cap.
	 */
	public static final String MAX_BYTES_PER_SECOND_HEADER = "entanglement-max-bytes-per-second";

	/**
	 * The CONNECT header by which a client asks for batches as binary WebSocket messages
	 * ({@code entanglement-binary-frames:true}).
	 */
	public static final String BINARY_FRAMES_HEADER = "entanglement-binary-frames";

	/** The session attribute set when a client asked for binary messages on CONNECT. */
	static final String BINARY_FRAMES_ATTRIBUTE = StompSubscriptionHandler.class.getName() + ".BINARY_FRAMES";

	/** The session attribute holding the budget a client asked for on CONNECT. */
	static final String MAX_BYTES_PER_SECOND_ATTRIBUTE = StompSubscriptionHandler.class.getName()
			+ ".MAX_BYTES_PER_SECOND";

	private static final Log logger = LogFactory.getLog(StompSubscriptionHandler.class);

	private final SyncManager manager;

	private final StompSessionRegistry sessions;

	private final StompReplies replies;

	private final Map<String, SessionOutbox> outboxes = new ConcurrentHashMap<>();

	/**
	 * Create a handler.
	 * @param clientInboundChannel the channel of client frames
	 * @param manager the sync manager
	 * @param sessions the sessions' writers
	 * @param replies where refusals go
	 */
	public StompSubscriptionHandler(SubscribableChannel clientInboundChannel, SyncManager manager,
			StompSessionRegistry sessions, StompReplies replies) {
		super(clientInboundChannel);
		this.manager = manager;
		this.sessions = sessions;
		this.replies = replies;
	}

	@Override
	public void handleMessage(Message<?> message) {
		MessageHeaders headers = message.getHeaders();
		SimpMessageType type = SimpMessageHeaderAccessor.getMessageType(headers);
		String sessionId = SimpMessageHeaderAccessor.getSessionId(headers);
		if (type == null || sessionId == null) {
			return;
		}
		switch (type) {
			case SUBSCRIBE -> subscribe(message, sessionId);
			case UNSUBSCRIBE -> unsubscribe(headers, sessionId);
			case CONNECT -> this.manager.opened(new SyncViewer(sessionId, SimpMessageHeaderAccessor.getUser(headers)));
			case DISCONNECT -> disconnect(sessionId, headers);
			default -> {
			}
		}
	}

	private void subscribe(Message<?> message, String sessionId) {
		MessageHeaders headers = message.getHeaders();
		String destination = SimpMessageHeaderAccessor.getDestination(headers);
		if (destination == null || !destination.startsWith(SyncManager.DESTINATION_PREFIX)) {
			return;
		}
		Principal user = SimpMessageHeaderAccessor.getUser(headers);
		String subscriptionId = SimpMessageHeaderAccessor.getSubscriptionId(headers);
		try {
			if (subscriptionId == null) {
				throw new InvalidRequestException("SUBSCRIBE needs an id header");
			}
			String fingerprint = ViewerFingerprint.of(user);
			SessionOutbox outbox = outbox(sessionId, user, fingerprint, requestedBytesPerSecond(headers));
			if (outbox == null) {
				return;
			}
			String typeName = destination.substring(SyncManager.DESTINATION_PREFIX.length());
			String since = ViewerFingerprint.resumable(nativeHeader(message, SINCE_HEADER), fingerprint);
			this.manager.subscribe(outbox, subscriptionId, typeName, since,
					parseFilter(nativeHeader(message, FILTER_HEADER)), parseDelta(nativeHeader(message, DELTA_HEADER)));
		}
		catch (SyncException ex) {
			this.replies.destinationRefused(sessionId, user, destination, subscriptionId, ex);
		}
	}

	private static boolean parseDelta(@Nullable String value) {
		if (value == null || value.equals("false")) {
			return false;
		}
		if (value.equals("true")) {
			return true;
		}
		throw new InvalidRequestException("'" + DELTA_HEADER + "' must be 'true' or 'false'");
	}

	private static long requestedBytesPerSecond(MessageHeaders headers) {
		Map<String, Object> attributes = SimpMessageHeaderAccessor.getSessionAttributes(headers);
		return (attributes != null && attributes.get(MAX_BYTES_PER_SECOND_ATTRIBUTE) instanceof Long rate) ? rate : 0;
	}

	private @Nullable SessionOutbox outbox(String sessionId, @Nullable Principal user, String fingerprint,
			long requestedBytesPerSecond) {
		SessionOutbox outbox = this.outboxes.get(sessionId);
		if (outbox != null) {
			return outbox;
		}
		StompSessionWriter writer = this.sessions.writer(sessionId);
		if (writer == null) {
			logger.debug("No open WebSocket session " + sessionId + "; ignoring SUBSCRIBE");
			return null;
		}
		SessionTransport transport = new SessionChannel(writer, fingerprint, this.replies, sessionId, user);
		return this.outboxes.computeIfAbsent(sessionId,
				(id) -> this.manager.open(new SyncViewer(id, user), transport, requestedBytesPerSecond));
	}

	/**
	 * What the engine writes to one session through: batches go to its writer with their
	 * tokens signed with the session's fingerprint, and a subscription the server ended
	 * is told on the replies queue, as a refused SUBSCRIBE is.
	 */
	private record SessionChannel(StompSessionWriter writer, String fingerprint, StompReplies replies, String sessionId,
			@Nullable Principal user) implements SessionTransport {

		@Override
		public void send(List<SyncFrame> frames, Runnable written) {
			this.writer.send(frames, this.fingerprint, written);
		}

		@Override
		public void ended(String subscriptionId, String type, SyncException reason) {
			this.replies.destinationRefused(this.sessionId, this.user, SyncManager.DESTINATION_PREFIX + type,
					subscriptionId, reason);
		}

	}

	private void unsubscribe(MessageHeaders headers, String sessionId) {
		String subscriptionId = SimpMessageHeaderAccessor.getSubscriptionId(headers);
		SessionOutbox outbox = this.outboxes.get(sessionId);
		if (outbox != null && subscriptionId != null) {
			this.manager.unsubscribe(outbox, subscriptionId);
		}
	}

	private void disconnect(String sessionId, MessageHeaders headers) {
		SessionOutbox outbox = this.outboxes.remove(sessionId);
		if (outbox != null) {
			this.manager.close(outbox);
		}
		else {
			this.manager.closed(new SyncViewer(sessionId, SimpMessageHeaderAccessor.getUser(headers)));
		}
	}

	/**
	 * Read {@code attr=value&attr2=value2}, each part URL-encoded.
	 */
	static Map<String, String> parseFilter(@Nullable String header) {
		if (header == null || header.isEmpty()) {
			return Map.of();
		}
		Map<String, String> filter = new LinkedHashMap<>();
		for (String pair : header.split("&", -1)) {
			int equals = pair.indexOf('=');
			if (equals <= 0) {
				throw new InvalidRequestException("The filter must read attribute=value&attribute=value");
			}
			try {
				String attribute = URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8);
				String value = URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
				if (filter.put(attribute, value) != null) {
					throw new InvalidRequestException("The filter names '" + attribute + "' twice");
				}
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidRequestException("The filter is not URL-encoded");
			}
		}
		return filter;
	}

	private static @Nullable String nativeHeader(Message<?> message, String name) {
		Object nativeHeaders = message.getHeaders().get(NativeMessageHeaderAccessor.NATIVE_HEADERS);
		if (nativeHeaders instanceof Map<?, ?> map && map.get(name) instanceof java.util.List<?> values
				&& !values.isEmpty()) {
			return String.valueOf(values.get(0));
		}
		return null;
	}

}
