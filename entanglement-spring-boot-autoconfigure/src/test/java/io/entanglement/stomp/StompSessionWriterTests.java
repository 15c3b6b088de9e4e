package io.entanglement.stomp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link StompSessionWriter} on a JSR-356 session whose asynchronous writes
 * complete when the test says, or on another thread, as Tomcat's do.
 *
 * @author Entanglement
 */
class StompSessionWriterTests {

	private final List<String> written = new ArrayList<>();

	private final List<SendHandler> completions = new ArrayList<>();

	private final ExecutorService completer = Executors.newSingleThreadExecutor();

	@AfterEach
	void stopCompleter() {
		this.completer.shutdownNow();
	}

	@Test
	void aMessageSentWhileNothingIsBeingWrittenIsWrittenAtOnce() throws Exception {
		StompSessionWriter writer = recordingWriter();
		writer.sendMessage(new TextMessage("a"));
		assertThat(this.written).containsExactly("a");
		complete(0);
		writer.sendMessage(new TextMessage("b"));
		assertThat(this.written).containsExactly("a", "b");
	}

	@Test
	void messagesSentWhileOneIsBeingWrittenWaitAndFollowItInOrder() throws Exception {
		StompSessionWriter writer = recordingWriter();
		writer.sendMessage(new TextMessage("a"));
		writer.sendMessage(new TextMessage("b"));
		writer.sendMessage(new TextMessage("c"));
		assertThat(this.written).containsExactly("a");
		complete(0);
		assertThat(this.written).containsExactly("a", "b");
		complete(1);
		assertThat(this.written).containsExactly("a", "b", "c");
		complete(2);
		writer.sendMessage(new TextMessage("d"));
		assertThat(this.written).containsExactly("a", "b", "c", "d");
	}

	@Test
	void threadsSendingAtOnceHaveEachMessageWrittenOnceInTheOrderEachSentThem() throws Exception {
		int threads = 4;
		int messages = 2_000;
		ConcurrentLinkedQueue<String> writes = new ConcurrentLinkedQueue<>();
		AtomicInteger inFlight = new AtomicInteger();
		AtomicInteger overlapping = new AtomicInteger();
		AtomicInteger count = new AtomicInteger();
		StompSessionWriter writer = writer((text, handler) -> {
			if (inFlight.incrementAndGet() > 1) {
				overlapping.incrementAndGet();
			}
			writes.add(text);
			Runnable done = () -> {
				inFlight.decrementAndGet();
				handler.onResult(new SendResult((Session) null));
			};
			// Tomcat completes on one of its threads; a write that completes at once on
			// the caller's thread must work as well.
			if (count.incrementAndGet() % 3 == 0) {
				done.run();
			}
			else {
				this.completer.execute(done);
			}
		});
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> senders = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			Thread sender = new Thread(() -> {
				try {
					start.await();
					for (int i = 0; i < messages; i++) {
						writer.sendMessage(new TextMessage(thread + ":" + i));
					}
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			sender.start();
			senders.add(sender);
		}
		start.countDown();
		for (Thread sender : senders) {
			sender.join(TimeUnit.SECONDS.toMillis(30));
		}
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(writes).hasSize(threads * messages));
		assertThat(overlapping).hasValue(0);
		int[] next = new int[threads];
		for (String text : writes) {
			String[] parts = text.split(":");
			int thread = Integer.parseInt(parts[0]);
			assertThat(Integer.parseInt(parts[1])).as("message of thread " + thread).isEqualTo(next[thread]++);
		}
	}

	/**
	 * A writer whose writes are recorded and complete only when the test says.
	 */
	private StompSessionWriter recordingWriter() {
		return writer((text, handler) -> {
			this.written.add(text);
			this.completions.add(handler);
		});
	}

	private void complete(int index) {
		this.completions.get(index).onResult(new SendResult((Session) null));
	}

	private StompSessionWriter writer(AsyncText asyncText) {
		RemoteEndpoint.Async remote = mock(RemoteEndpoint.Async.class);
		willAnswer((invocation) -> {
			asyncText.send(invocation.getArgument(0), invocation.getArgument(1));
			return null;
		}).given(remote).sendText(anyString(), any(SendHandler.class));
		Session nativeSession = mock(Session.class);
		given(nativeSession.isOpen()).willReturn(true);
		given(nativeSession.getId()).willReturn("s1");
		given(nativeSession.getAsyncRemote()).willReturn(remote);
		StandardWebSocketSession session = new StandardWebSocketSession(new HttpHeaders(), Map.of(), null, null);
		session.initializeNativeSession(nativeSession);
		return new StompSessionWriter(session, 1 << 20, false);
	}

	@FunctionalInterface
	private interface AsyncText {

		void send(String text, SendHandler handler);

	}

}
