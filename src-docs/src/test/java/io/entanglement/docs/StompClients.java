package io.entanglement.docs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.util.MimeTypeUtils;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

/**
 * Connects the documentation's users to a running application over STOMP, for the
 * documentation's tests; closing it disconnects every session it opened.
 *
 * @author Entanglement
 */
public final class StompClients implements AutoCloseable {

	/** Where a session receives its replies. */
	public static final String REPLIES = "/user/queue/entanglement/replies";

	/** Where a user owner receives the proposals it must decide. */
	public static final String REQUESTS = "/user/queue/entanglement/requests";

	private final WebSocketStompClient client = new WebSocketStompClient(new StandardWebSocketClient());

	private final List<StompSession> sessions = new ArrayList<>();

	private final int port;

	/**
	 * Clients of the application listening on the given port.
	 * @param port the application's port
	 */
	public StompClients(int port) {
		this.port = port;
	}

	/**
	 * Open a session as the given user, with HTTP Basic on the handshake.
	 * @param user the user name; every documentation user's password is {@code password}
	 * @return the connected session
	 * @throws Exception if the session could not be opened in time
	 */
	public StompSession connect(String user) throws Exception {
		WebSocketHttpHeaders handshake = new WebSocketHttpHeaders();
		handshake.setBasicAuth(user, "password");
		StompSession session = this.client.connectAsync("ws://localhost:" + this.port + "/entanglement", handshake,
				new StompHeaders(), new StompSessionHandlerAdapter() {
				})
			.get(ReceivedFrames.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		this.sessions.add(session);
		return session;
	}

	/**
	 * Subscribe to a destination.
	 * @param session the session
	 * @param destination the destination
	 * @return the frames received on it
	 */
	public static ReceivedFrames subscribe(StompSession session, String destination) {
		return subscribe(session, destination, null);
	}

	/**
	 * Subscribe to a destination, resuming from a token.
	 * @param session the session
	 * @param destination the destination
	 * @param since the resume token, {@code null} for none
	 * @return the frames received on it
	 */
	public static ReceivedFrames subscribe(StompSession session, String destination, @Nullable String since) {
		ReceivedFrames frames = new ReceivedFrames();
		StompHeaders headers = new StompHeaders();
		headers.setDestination(destination);
		if (since != null) {
			headers.set("entanglement-since", since);
		}
		session.subscribe(headers, frames);
		return frames;
	}

	/**
	 * Send a JSON body.
	 * @param session the session
	 * @param destination the destination
	 * @param body the JSON body
	 */
	public static void send(StompSession session, String destination, String body) {
		StompHeaders headers = new StompHeaders();
		headers.setDestination(destination);
		headers.setContentType(MimeTypeUtils.APPLICATION_JSON);
		session.send(headers, body.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public void close() {
		this.sessions.stream().filter(StompSession::isConnected).forEach(StompSession::disconnect);
		this.sessions.clear();
	}

}
