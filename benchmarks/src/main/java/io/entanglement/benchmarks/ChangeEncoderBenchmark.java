package io.entanglement.benchmarks;

import java.util.concurrent.TimeUnit;

import io.entanglement.SyncChange;
import io.entanglement.engine.ChangeEncoder;
import io.entanglement.engine.EncodedChange;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encoding one small upsert (five attributes) to its wire JSON: the work done once per
 * committed object version, whatever the number of recipients.
 *
 * @author Entanglement
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@State(Scope.Thread)
public class ChangeEncoderBenchmark {

	private ChangeEncoder encoder;

	private SyncChange change;

	@Setup
	public void createChange() {
		this.encoder = new ChangeEncoder(JsonMapper.builder().build());
		this.change = new SampleObjects(100).change(42, 1234);
	}

	@Benchmark
	public EncodedChange encodeUpsert() {
		return this.encoder.encode(this.change);
	}

}
