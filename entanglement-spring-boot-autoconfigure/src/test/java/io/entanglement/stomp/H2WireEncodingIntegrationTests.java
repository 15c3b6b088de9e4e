package io.entanglement.stomp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.entanglement.testapp.Marker;
import io.entanglement.testapp.MarkerRepository;
import io.entanglement.testapp.StompTestClient;
import io.entanglement.testapp.TestApplication;
import jakarta.websocket.server.ServerContainer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fewer bytes on the wire: patches for subscriptions that ask for them; WebSocket
 * compression only where switched on (see {@link H2OperationsIntegrationTests}).
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class H2WireEncodingIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	MarkerRepository markers;

	@Test
	void anUpdateTravelsAsAPatchToSubscriptionsThatAskForItAndInFullToOthers() throws Exception {
		try (StompTestClient patched = StompTestClient.connect(this.port, "alice");
				StompTestClient full = StompTestClient.connect(this.port, "alice")) {
			patched.subscribeRaw("/entanglement/marker", Map.of(StompSubscriptionHandler.DELTA_HEADER, "true"));
			full.subscribe("marker");
			patched.untilSynced();
			full.untilSynced();
			Marker marker = this.markers.save(new Marker("patched", 1.5, 2.5));
			String id = String.valueOf(marker.getId());
			assertThat(next(patched, id).get("op").asString()).isEqualTo("upsert");
			assertThat(next(full, id).get("op").asString()).isEqualTo("upsert");

			marker.setLat(9.5);
			marker = this.markers.save(marker);
			JsonNode patch = next(patched, id);
			assertThat(patch.get("op").asString()).isEqualTo("patch");
			assertThat(patch.get("version").asLong()).isEqualTo(marker.getVersion());
			assertThat(patch.get("state").propertyNames()).containsExactly("lat");
			assertThat(patch.get("state").get("lat").asDouble()).isEqualTo(9.5);
			JsonNode upsert = next(full, id);
			assertThat(upsert.get("op").asString()).isEqualTo("upsert");
			assertThat(upsert.get("state").get("name").asString()).isEqualTo("patched");
			assertThat(upsert.get("state").get("lat").asDouble()).isEqualTo(9.5);
		}
	}

	@Test
	void batchesTravelAsBinaryMessagesOfUtf8StompFramesToClientsThatAskAndAsTextToOthers() throws Exception {
		try (RawStompSocket binary = RawStompSocket.subscribe(this.port, "alice",
				StompSubscriptionHandler.BINARY_FRAMES_HEADER + ":true\n", "marker");
				RawStompSocket text = RawStompSocket.subscribe(this.port, "alice", "", "marker")) {
			this.markers.save(new Marker("Zürich ☃ 東京", 1.5, 2.5));
			RawStompSocket.Received batch = binary.nextMessageContaining("Zürich");
			assertThat(batch.binary()).isTrue();
			assertThat(batch.text()).contains("destination:/entanglement/marker\n", "subscription:sub-1\n");
			assertThat(batch.body()).contains("\"name\":\"Zürich ☃ 東京\"");
			RawStompSocket.Received same = text.nextMessageContaining("Zürich");
			assertThat(same.binary()).isFalse();
			assertThat(same.body()).contains("\"name\":\"Zürich ☃ 東京\"");
		}
	}

	@Test
	void aBadDeltaHeaderIsRefusedWithATypedReply() throws Exception {
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribeRaw("/entanglement/marker", Map.of(StompSubscriptionHandler.DELTA_HEADER, "yes"));
			JsonNode reply = alice.nextReply();
			assertThat(reply.get("code").asString()).isEqualTo("invalid");
			assertThat(reply.get("destination").asString()).isEqualTo("/entanglement/marker");
			alice.assertNoBatchWithin(java.time.Duration.ofMillis(300));
		}
	}

	@Test
	void permessageDeflateIsRefusedUnlessSwitchedOn() throws Exception {
		assertThat(negotiatedExtensions(this.port, "permessage-deflate; client_max_window_bits")).isEmpty();
	}

	@Test
	void anIdleConnectionHoldsSmallInboundBuffers(@Autowired WebApplicationContext context,
			@Autowired StompSessionRegistry sessions) throws Exception {
		ServerContainer container = (ServerContainer) context.getServletContext()
			.getAttribute(ServerContainer.class.getName());
		// Tomcat's framing and write buffers, three per connection: 8 KB each unless its
		// system property, which the starter sets before the server starts, says
		// otherwise. (Tomcat reads it once per JVM: in this test JVM, whatever used
		// Tomcat's WebSocket classes first decided.)
		assertThat(System.getProperty("org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE")).isEqualTo("2048");
		assertThat(container.getDefaultMaxTextMessageBufferSize()).isEqualTo(1024);
		assertThat(container.getDefaultMaxBinaryMessageBufferSize()).isEqualTo(1024);
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker");
			alice.untilSynced();
			// Spring's STOMP handler would raise it to hold a 16 KB frame whole.
			assertThat(sessions.writers()).isNotEmpty()
				.allSatisfy((writer) -> assertThat(
						((jakarta.websocket.Session) ((NativeWebSocketSession) WebSocketSessionDecorator.unwrap(writer))
							.getNativeSession()).getMaxTextMessageBufferSize())
					.isEqualTo(1024));
		}
	}

	private static JsonNode next(StompTestClient client, String id) throws InterruptedException {
		while (true) {
			for (JsonNode change : client.next().changes()) {
				if (change.get("id").asString().equals(id)) {
					return change;
				}
			}
		}
	}

	/**
	 * Open a WebSocket handshake by hand, offering extensions, and return the extensions
	 * the server accepted (empty if none).
	 */
	static String negotiatedExtensions(int port, String offered) throws Exception {
		return handshakeHeaders(port, offered).stream()
			.filter((line) -> line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-extensions:"))
			.map((line) -> line.substring(line.indexOf(':') + 1).trim())
			.findFirst()
			.orElse("");
	}

	/**
	 * Open a WebSocket handshake by hand with HTTP Basic credentials, offering
	 * extensions, and return the header lines of the server's 101 response.
	 */
	static List<String> handshakeHeaders(int port, String offered) throws Exception {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			String credentials = Base64.getEncoder().encodeToString("alice:password".getBytes(StandardCharsets.UTF_8));
			String request = "GET /entanglement HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
					+ "Upgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
					+ "Sec-WebSocket-Protocol: v12.stomp\r\nSec-WebSocket-Extensions: " + offered + "\r\n"
					+ "Authorization: Basic " + credentials + "\r\n\r\n";
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			BufferedReader in = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
			String status = in.readLine();
			assertThat(status).as("handshake response").contains(" 101 ");
			List<String> headers = new ArrayList<>();
			for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
				headers.add(line);
			}
			return headers;
		}
	}

}
