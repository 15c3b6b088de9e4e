package io.entanglement.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.entanglement.SyncViewer;
import io.entanglement.engine.ChangeEncoder;
import io.entanglement.engine.CommitTicket;
import io.entanglement.engine.MemoryChangeLog;
import io.entanglement.engine.SessionOutbox;
import io.entanglement.engine.SyncManager;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * Commit-to-outbox-to-transport throughput of one {@link SyncManager}: every session
 * subscribes to one type of 100 objects and may see every change, so each commit is
 * delivered to every session. One operation commits {@code commitsPerOp} transactions of
 * one changed object each and returns only when every session has received all of them,
 * so the score counts deliveries, not changes left queued.
 * <p>
 * The transport does no I/O: it counts and completes each write at once. Writes are not
 * paced ({@link EngineSettings#unpaced()}). The figures are the engine's ceiling
 * (sequencing, policy check, coalescing queues, batch building and the flush threads),
 * not what a STOMP server reaches.
 *
 * @author Entanglement
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@State(Scope.Benchmark)
public class FanOutBenchmark {

	private static final int OBJECTS = 100;

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	/**
	 * Subscribed sessions.
	 */
	@Param({ "100", "1000" })
	public int sessions;

	/**
	 * Commits per operation before waiting for their delivery: 1 measures one commit at a
	 * time through the whole pipeline, 100 lets the outboxes batch as under load. At most
	 * the number of objects, so no change of a batch is coalesced away.
	 */
	@Param({ "1", "100" })
	public int commitsPerOp;

	private final SampleObjects objects = new SampleObjects(OBJECTS);

	private final DeliveryCounter counter = new DeliveryCounter();

	private SyncManager manager;

	private long seq;

	private long expectedDeliveries;

	@Setup(Level.Trial)
	public void openSessions() {
		this.manager = new SyncManager((viewer, change) -> true, new MemoryChangeLog(),
				new ChangeEncoder(JsonMapper.builder().build()), EngineSettings.unpaced());
		this.manager.register(this.objects);
		for (int i = 0; i < this.sessions; i++) {
			String user = "user-" + i;
			SessionOutbox outbox = this.manager.open(new SyncViewer("session-" + i, () -> user),
					this.counter.session());
			this.manager.subscribe(outbox, "sub-0", SampleObjects.TYPE, null);
		}
		this.expectedDeliveries = (long) this.sessions * OBJECTS;
		this.counter.await(this.expectedDeliveries, TIMEOUT);
	}

	@Benchmark
	public long commitAndDeliver(Delivered delivered) {
		long framesBefore = this.counter.frames();
		long bytesBefore = this.counter.bodyBytes();
		this.expectedDeliveries += (long) this.commitsPerOp * this.sessions;
		for (int i = 0; i < this.commitsPerOp; i++) {
			long seq = ++this.seq;
			CommitTicket ticket = this.manager.begin(seq);
			// Version 1 is the snapshot's; each commit moves its object forward.
			this.manager.committed(ticket, List.of(this.objects.change((int) ((seq - 1) % OBJECTS), seq + 1)));
		}
		this.counter.await(this.expectedDeliveries, TIMEOUT);
		delivered.commits += this.commitsPerOp;
		delivered.deliveries += (long) this.commitsPerOp * this.sessions;
		delivered.frames += this.counter.frames() - framesBefore;
		delivered.bodyBytes += this.counter.bodyBytes() - bytesBefore;
		return this.seq;
	}

	@TearDown(Level.Trial)
	public void closeSessions() {
		this.manager.destroy();
		long expected = OBJECTS + this.seq;
		this.counter.expectEach((session) -> expected);
	}

	/**
	 * What the operations delivered, reported by JMH as rates beside the score.
	 */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.OPERATIONS)
	public static class Delivered {

		/**
		 * Committed transactions.
		 */
		public long commits;

		/**
		 * Changes received by sessions: commits times sessions.
		 */
		public long deliveries;

		/**
		 * Batches handed to the transports.
		 */
		public long frames;

		/**
		 * Bytes of batch bodies handed to the transports.
		 */
		public long bodyBytes;

		@Setup(Level.Iteration)
		public void reset() {
			this.commits = 0;
			this.deliveries = 0;
			this.frames = 0;
			this.bodyBytes = 0;
		}

	}

}
