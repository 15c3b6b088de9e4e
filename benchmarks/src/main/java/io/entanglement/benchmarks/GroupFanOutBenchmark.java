package io.entanglement.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.entanglement.engine.ChangeEncoder;
import io.entanglement.engine.CommitTicket;
import io.entanglement.engine.MemoryChangeLog;
import io.entanglement.engine.SessionOutbox;
import io.entanglement.engine.SyncManager;
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
 * Fan-out selection with access control lists and labels, in the shape of the load
 * harness's P6 ({@link GroupAccess}): {@code sessions} sessions in groups of ten, each
 * subscribed to the type, each object readable by one group. A {@link SyncManager} with
 * the access control list policy and mandatory access control; its candidates for a
 * change come from the policy's audience index.
 * <p>
 * One operation commits {@value #COMMITS_PER_OP} transactions of one changed object each,
 * to objects of different groups in a scattered order, and returns once each has reached
 * the ten sessions of its group. Score: operations per second; {@code commits},
 * {@code deliveries}, {@code frames} and {@code bodyBytes} beside it, as in
 * {@link FanOutBenchmark}. The cost of a change should not grow with the sessions that
 * may not see it: the score with 10,000 sessions should be about that with 1,000.
 * <p>
 * As in {@link FanOutBenchmark}, the transport does no I/O and writes are not paced
 * ({@link EngineSettings#unpaced()}).
 *
 * @author Entanglement
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@State(Scope.Benchmark)
public class GroupFanOutBenchmark {

	private static final int COMMITS_PER_OP = 100;

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	/**
	 * Subscribed sessions, in groups of ten; one object per group.
	 */
	@Param({ "1000", "10000" })
	public int sessions;

	private final DeliveryCounter counter = new DeliveryCounter();

	private GroupAccess access;

	private SyncManager manager;

	private long[] commitsPerGroup;

	private long seq;

	private long expectedDeliveries;

	private long offeredBefore;

	private long deniedBefore;

	@Setup(Level.Trial)
	public void openSessions() {
		this.access = new GroupAccess(this.sessions);
		this.manager = new SyncManager(this.access.acl(), this.access.labels(), new MemoryChangeLog(),
				new ChangeEncoder(JsonMapper.builder().build()), EngineSettings.unpaced());
		this.manager.register(this.access.objects());
		this.commitsPerGroup = new long[this.access.groups()];
		for (int i = 0; i < this.sessions; i++) {
			SessionOutbox outbox = this.manager.open(this.access.viewer(i), this.counter.session());
			this.manager.subscribe(outbox, "sub-0", SampleObjects.TYPE, null);
		}
		// Each session's snapshot holds its group's object only.
		this.expectedDeliveries = this.sessions;
		this.counter.await(this.expectedDeliveries, TIMEOUT);
		this.offeredBefore = this.manager.metrics().offered();
		this.deniedBefore = this.manager.metrics().denied();
	}

	@Benchmark
	public long commitAndDeliver(FanOutBenchmark.Delivered delivered) {
		long framesBefore = this.counter.frames();
		long bytesBefore = this.counter.bodyBytes();
		this.expectedDeliveries += (long) COMMITS_PER_OP * GroupAccess.GROUP_SIZE;
		for (int i = 0; i < COMMITS_PER_OP; i++) {
			long seq = ++this.seq;
			int group = this.access.group(seq - 1);
			this.commitsPerGroup[group]++;
			CommitTicket ticket = this.manager.begin(seq);
			// Version 1 is the snapshot's; each commit moves its object forward.
			this.manager.committed(ticket,
					List.of(this.access.objects().change(group, 1 + this.commitsPerGroup[group])));
		}
		this.counter.await(this.expectedDeliveries, TIMEOUT);
		delivered.commits += COMMITS_PER_OP;
		delivered.deliveries += (long) COMMITS_PER_OP * GroupAccess.GROUP_SIZE;
		delivered.frames += this.counter.frames() - framesBefore;
		delivered.bodyBytes += this.counter.bodyBytes() - bytesBefore;
		return this.seq;
	}

	@TearDown(Level.Trial)
	public void closeSessions() {
		this.manager.destroy();
		// The selection asked the policy about the ten sessions of each change's group
		// only: none was denied, none left out.
		long offered = this.manager.metrics().offered() - this.offeredBefore;
		long denied = this.manager.metrics().denied() - this.deniedBefore;
		if (offered != this.seq * GroupAccess.GROUP_SIZE || denied != 0) {
			throw new IllegalStateException("The fan-out offered " + offered + " changes and was denied " + denied
					+ " times for " + this.seq + " commits");
		}
		// Each session its snapshot and the commits to its group.
		this.counter.expectEach((session) -> 1 + this.commitsPerGroup[session / GroupAccess.GROUP_SIZE]);
	}

}
