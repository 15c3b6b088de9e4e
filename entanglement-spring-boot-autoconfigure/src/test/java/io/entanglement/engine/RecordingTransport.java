package io.entanglement.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.entanglement.SyncException;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link SessionTransport} that records every write. It either completes each write at
 * once (a fast client) or leaves completion to the test (a slow client).
 *
 * @author Entanglement
 */
public final class RecordingTransport implements SessionTransport {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final BlockingQueue<Write> writes = new LinkedBlockingQueue<>();

	private final BlockingQueue<Ended> ended = new LinkedBlockingQueue<>();

	private final boolean completeAtOnce;

	private RecordingTransport(boolean completeAtOnce) {
		this.completeAtOnce = completeAtOnce;
	}

	/**
	 * A transport whose writes complete as soon as they are made.
	 * @return the transport
	 */
	public static RecordingTransport fast() {
		return new RecordingTransport(true);
	}

	/**
	 * A transport whose writes stay in flight until the test completes them.
	 * @return the transport
	 */
	public static RecordingTransport slow() {
		return new RecordingTransport(false);
	}

	@Override
	public void send(List<SyncFrame> frames, Runnable written) {
		this.writes.add(new Write(List.copyOf(frames), written, System.nanoTime()));
		if (this.completeAtOnce) {
			written.run();
		}
	}

	@Override
	public void ended(String subscriptionId, String type, SyncException reason) {
		this.ended.add(new Ended(subscriptionId, type, reason));
	}

	/**
	 * Wait until the server ends a subscription.
	 * @return what it said
	 * @throws InterruptedException if interrupted while waiting
	 */
	public Ended nextEnded() throws InterruptedException {
		Ended next = this.ended.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(next).as("a subscription ended within %s", TIMEOUT).isNotNull();
		return next;
	}

	/**
	 * The subscriptions the server ended so far, without waiting.
	 * @return what it said of each
	 */
	public List<Ended> endedSoFar() {
		return List.copyOf(this.ended);
	}

	/**
	 * The server ended a subscription.
	 *
	 * @param subscriptionId its id
	 * @param type its type
	 * @param reason why
	 */
	public record Ended(String subscriptionId, String type, SyncException reason) {
	}

	/**
	 * Wait for the next write.
	 * @return the write
	 * @throws InterruptedException if interrupted while waiting
	 */
	public Write nextWrite() throws InterruptedException {
		Write write = this.writes.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(write).as("a write within %s", TIMEOUT).isNotNull();
		return write;
	}

	/**
	 * Wait for writes until one holds a frame with {@code "synced":true} for the given
	 * subscription.
	 * @param subscriptionId the subscription
	 * @return the batches of that subscription, up to and including the synced one
	 * @throws InterruptedException if interrupted while waiting
	 */
	public List<Batch> batchesUntilSynced(String subscriptionId) throws InterruptedException {
		List<Batch> batches = new ArrayList<>();
		while (true) {
			for (Batch batch : nextWrite().batches()) {
				if (batch.subscriptionId().equals(subscriptionId)) {
					batches.add(batch);
					if (batch.synced()) {
						return batches;
					}
				}
			}
		}
	}

	/**
	 * Wait for a write that may or may not come.
	 * @param wait how long to wait
	 * @return the write, or {@code null} if none came
	 * @throws InterruptedException if interrupted while waiting
	 */
	public @Nullable Write nextWriteWithin(Duration wait) throws InterruptedException {
		return this.writes.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Wait long enough that a write would have arrived, and check that none did.
	 * @param wait how long to wait
	 * @throws InterruptedException if interrupted while waiting
	 */
	public void assertNoWriteWithin(Duration wait) throws InterruptedException {
		Write write = this.writes.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(write).as("no write within %s", wait).isNull();
	}

	/**
	 * Take every write made so far, without waiting.
	 * @return the writes
	 */
	public List<Write> drainWrites() {
		List<Write> drained = new ArrayList<>();
		this.writes.drainTo(drained);
		return drained;
	}

	/**
	 * One write: the frames it carried, the callback that completes it and when it was
	 * made.
	 *
	 * @param frames the frames
	 * @param written completes the write
	 * @param nanoTime {@link System#nanoTime()} when the write was made
	 */
	public record Write(List<SyncFrame> frames, Runnable written, long nanoTime) {

		/**
		 * Complete the write, as a client that drained it would.
		 */
		public void complete() {
			this.written.run();
		}

		/**
		 * The frames, parsed.
		 * @return the batches
		 */
		public List<Batch> batches() {
			return this.frames.stream().map(Batch::of).toList();
		}

		/**
		 * The body bytes of the write.
		 * @return the byte count
		 */
		public int bodyBytes() {
			return this.frames.stream().mapToInt(SyncFrame::bodyLength).sum();
		}

	}

}
