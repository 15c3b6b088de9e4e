package io.entanglement.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.engine.CompositeSyncPolicy;
import io.entanglement.engine.MandatoryAccessPolicy;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One policy decision of the fan-out in the shape of the load harness's P6
 * ({@link GroupAccess}): the access control list policy behind mandatory access control,
 * as the engine composes them.
 * <p>
 * Each operation asks whether one viewer may see one object's change, walking over the
 * objects in a scattered order as commits to many groups do. {@code granted} asks a
 * member of the object's group (what the fan-out asks of each candidate session);
 * {@code denied} asks a viewer of another group (what a snapshot asks of objects of other
 * groups). The score is decisions per second; the number of viewers shows what a larger
 * population of principals costs each decision.
 *
 * @author Entanglement
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@State(Scope.Benchmark)
public class PolicyBenchmark {

	/**
	 * Viewers, each with a principal of its own, in groups of ten; one object per group.
	 */
	@Param({ "1000", "10000" })
	public int viewers;

	private GroupAccess access;

	private SyncPolicy policy;

	private SyncChange[] changes;

	private int next;

	@Setup(Level.Trial)
	public void createPolicy() {
		this.access = new GroupAccess(this.viewers);
		this.policy = new MandatoryAccessPolicy(new CompositeSyncPolicy(List.of(this.access.acl())),
				this.access.labels(), (type) -> SampleObjects.TYPE.equals(type) ? SampleObjects.LABEL_ATTRIBUTE : null);
		int groups = this.access.groups();
		this.changes = new SyncChange[groups];
		for (int group = 0; group < groups; group++) {
			this.changes[group] = this.access.objects().change(group, 2);
		}
		// Every viewer's identities and every object's list cached, as in a server that
		// has run for a while; and the answers checked both ways.
		for (int i = 0; i < this.viewers; i++) {
			int group = i / GroupAccess.GROUP_SIZE;
			if (!this.policy.maySee(this.access.viewer(i), this.changes[group])
					|| this.policy.maySee(this.access.viewer(i), this.changes[(group + 1) % groups])) {
				throw new IllegalStateException("Viewer " + i + " decided wrongly");
			}
		}
	}

	@Benchmark
	public boolean granted() {
		int n = this.next++;
		int group = this.access.group(n / GroupAccess.GROUP_SIZE);
		return this.policy.maySee(this.access.viewer(group * GroupAccess.GROUP_SIZE + n % GroupAccess.GROUP_SIZE),
				this.changes[group]);
	}

	@Benchmark
	public boolean denied() {
		int n = this.next++;
		int groups = this.access.groups();
		int group = this.access.group(n / GroupAccess.GROUP_SIZE);
		int other = (group + 1 + n % (groups - 1)) % groups;
		return this.policy.maySee(this.access.viewer(other * GroupAccess.GROUP_SIZE + n % GroupAccess.GROUP_SIZE),
				this.changes[group]);
	}

}
