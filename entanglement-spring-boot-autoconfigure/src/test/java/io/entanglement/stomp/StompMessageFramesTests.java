package io.entanglement.stomp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.entanglement.engine.SyncFrame;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.Message;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompDecoder;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StompMessageFrames}: what it writes is what a STOMP 1.2 decoder reads.
 *
 * @author Entanglement
 */
class StompMessageFramesTests {

	@Test
	void framesDecodeToTheirHeadersAndBodiesWithEscapesAndAnyCharacters() {
		String destination = "/entanglement/café:\\line\nend\r😀";
		String body = "{\"changes\":[{\"name\":\"Zoë 😀\"}]}";
		SyncFrame first = new SyncFrame("sub:1", destination, "5eed.7", body.getBytes(StandardCharsets.UTF_8), 1);
		SyncFrame second = new SyncFrame("sub-2", "/entanglement/point", "5eed.8",
				"{\"changes\":[]}".getBytes(StandardCharsets.UTF_8), 0);
		AtomicLong ids = new AtomicLong(41);

		byte[] payload = StompMessageFrames.encode(List.of(first, second), "session-ü", "0a1b2c3d4e5f", ids);

		List<Message<byte[]>> messages = new StompDecoder().decode(ByteBuffer.wrap(payload));
		assertThat(messages).hasSize(2);
		StompHeaderAccessor headers = StompHeaderAccessor.wrap(messages.get(0));
		assertThat(headers.getCommand()).isEqualTo(StompCommand.MESSAGE);
		assertThat(headers.getDestination()).isEqualTo(destination);
		assertThat(headers.getSubscriptionId()).isEqualTo("sub:1");
		assertThat(headers.getMessageId()).isEqualTo("session-ü-42");
		assertThat(headers.getFirstNativeHeader(StompMessageFrames.TOKEN_HEADER)).isEqualTo("5eed.7~0a1b2c3d4e5f");
		assertThat(headers.getContentLength()).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
		assertThat(new String(messages.get(0).getPayload(), StandardCharsets.UTF_8)).isEqualTo(body);
		StompHeaderAccessor next = StompHeaderAccessor.wrap(messages.get(1));
		assertThat(next.getMessageId()).isEqualTo("session-ü-43");
		assertThat(next.getFirstNativeHeader(StompMessageFrames.TOKEN_HEADER)).isEqualTo("5eed.8~0a1b2c3d4e5f");
		assertThat(new String(messages.get(1).getPayload(), StandardCharsets.UTF_8)).isEqualTo("{\"changes\":[]}");
	}

	@Test
	void theTextOfFramesIsTheirBytesDecodedAndCountsTheirBytes() {
		String body = "{\"changes\":[{\"name\":\"Zoë 😀\"}]}";
		SyncFrame frame = new SyncFrame("sub:1", "/entanglement/café", "5eed.7", body.getBytes(StandardCharsets.UTF_8),
				1);

		byte[] bytes = StompMessageFrames.encode(List.of(frame), "session-ü", "0a1b2c3d4e5f", new AtomicLong(41));
		StompMessageFrames.Text text = StompMessageFrames.encodeText(List.of(frame), "session-ü", "0a1b2c3d4e5f",
				new AtomicLong(41));

		assertThat(text.text()).isEqualTo(new String(bytes, StandardCharsets.UTF_8));
		assertThat(text.byteLength()).isEqualTo(bytes.length);
		assertThat(StompHeaderAccessor.wrap(new StompDecoder().decode(ByteBuffer.wrap(bytes)).get(0))
			.getFirstNativeHeader(StompMessageFrames.TOKEN_HEADER)).isEqualTo("5eed.7~0a1b2c3d4e5f");
	}

	@Test
	void aPayloadLargerThanTheKeptBufferIsWrittenWholeAndTheNextOneStillFits() {
		byte[] large = new byte[200_000];
		java.util.Arrays.fill(large, (byte) 'x');
		AtomicLong ids = new AtomicLong();
		byte[] big = StompMessageFrames.encode(List.of(new SyncFrame("s", "/d", "t", large, 1)), "session",
				"0a1b2c3d4e5f", ids);
		byte[] small = StompMessageFrames.encode(List.of(new SyncFrame("s", "/d", "t", new byte[] { '1' }, 1)),
				"session", "0a1b2c3d4e5f", ids);

		Message<byte[]> decoded = new StompDecoder().decode(ByteBuffer.wrap(big)).get(0);
		assertThat(decoded.getPayload()).isEqualTo(large);
		assertThat(new StompDecoder().decode(ByteBuffer.wrap(small))).singleElement()
			.satisfies((message) -> assertThat(message.getPayload()).containsExactly('1'));
	}

}
