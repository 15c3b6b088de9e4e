package io.entanglement.stomp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.entanglement.testapp.StompTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A STOMP session over the JDK's WebSocket client that reports, for every WebSocket
 * message the server sends, whether it was a text or a binary message, and its bytes.
 */
final class RawStompSocket implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

	private final WebSocket socket;

	private RawStompSocket(int port, String user) throws Exception {
		this.socket = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.header("Authorization", StompTestClient.basicAuthorization(user))
			.subprotocols("v12.stomp")
			.buildAsync(URI.create("ws://127.0.0.1:" + port + "/entanglement"), new Listener())
			.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
	}

	/**
	 * Connect, with extra CONNECT header lines, and subscribe to a type.
	 */
	static RawStompSocket subscribe(int port, String user, String connectHeaders, String type) throws Exception {
		RawStompSocket stomp = new RawStompSocket(port, user);
		stomp.send("CONNECT\naccept-version:1.2\nhost:localhost\n" + connectHeaders + "\n\0");
		assertThat(stomp.next().text()).startsWith("CONNECTED");
		stomp.send("SUBSCRIBE\nid:sub-1\ndestination:/entanglement/" + type + "\n\n\0");
		return stomp;
	}

	private void send(String frame) throws Exception {
		this.socket.sendText(frame, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
	}

	/**
	 * The next message the server sent.
	 */
	Received next() throws InterruptedException {
		Received next = this.received.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(next).as("a message within " + TIMEOUT).isNotNull();
		return next;
	}

	/**
	 * The next MESSAGE frame whose body contains the text.
	 */
	Received nextMessageContaining(String text) throws InterruptedException {
		while (true) {
			Received next = next();
			if (next.text().startsWith("MESSAGE\n") && next.text().contains(text)) {
				return next;
			}
		}
	}

	@Override
	public void close() throws Exception {
		this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
	}

	/**
	 * One WebSocket message.
	 *
	 * @param binary whether it was a binary message
	 * @param bytes its payload
	 */
	record Received(boolean binary, byte[] bytes) {

		String text() {
			return new String(this.bytes, StandardCharsets.UTF_8);
		}

		/**
		 * The body of a single STOMP frame, whose content-length must count its bytes.
		 */
		String body() {
			String text = text();
			int start = text.indexOf("\n\n") + 2;
			byte[] body = text.substring(start, text.indexOf('\0', start)).getBytes(StandardCharsets.UTF_8);
			String length = text.lines()
				.filter((line) -> line.startsWith("content-length:"))
				.findFirst()
				.orElseThrow()
				.substring("content-length:".length());
			assertThat(Integer.parseInt(length)).as("content-length").isEqualTo(body.length);
			return new String(body, StandardCharsets.UTF_8);
		}

	}

	private final class Listener implements WebSocket.Listener {

		private final StringBuilder text = new StringBuilder();

		private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				RawStompSocket.this.received
					.add(new Received(false, this.text.toString().getBytes(StandardCharsets.UTF_8)));
				this.text.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			byte[] part = new byte[data.remaining()];
			data.get(part);
			this.binary.writeBytes(part);
			if (last) {
				RawStompSocket.this.received.add(new Received(true, this.binary.toByteArray()));
				this.binary.reset();
			}
			webSocket.request(1);
			return null;
		}

	}

}
