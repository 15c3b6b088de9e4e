package io.entanglement.benchmarks.load;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The harness's control endpoints, the same in both servers: start the committer, read
 * its progress, the process's CPU time, and the heap after a full collection.
 *
 * @author Entanglement
 */
@RestController
public class BenchController {

	private final Map<String, Committer<?>> committers = new LinkedHashMap<>();

	private volatile Committer<?> last;

	public BenchController(List<Committer<?>> committers) {
		for (Committer<?> committer : committers) {
			this.committers.put(committer.kind(), committer);
		}
		this.last = this.committers.get("marker");
	}

	@PostMapping("/bench/drive")
	public ResponseEntity<Map<String, Object>> drive(@RequestParam double rate, @RequestParam int objects,
			@RequestParam long count, @RequestParam(defaultValue = "1") int batch,
			@RequestParam(defaultValue = "marker") String kind, @RequestParam(defaultValue = "1") int threads) {
		Committer<?> committer = committer(kind);
		if (!committer.start(rate, objects, count, batch, threads)) {
			return ResponseEntity.status(409).body(committer.status());
		}
		this.last = committer;
		return ResponseEntity.ok(committer.status());
	}

	/**
	 * Progress of the last committer started (of the markers' before any).
	 * @return its status
	 */
	@GetMapping("/bench/drive")
	public Map<String, Object> status() {
		return this.last.status();
	}

	/**
	 * Create markers of a kind up to {@code count} (those that exist stay), and whatever
	 * the server does with new ones (for group markers: grant their group access).
	 * @param kind {@code marker} or {@code group}
	 * @param count how many markers of that kind there are afterwards
	 * @return the time it took
	 */
	@PostMapping("/bench/seed")
	public Map<String, Object> seed(@RequestParam String kind, @RequestParam int count) {
		long started = System.nanoTime();
		committer(kind).seed(count);
		return Map.of("ms", (System.nanoTime() - started) / 1_000_000);
	}

	private Committer<?> committer(String kind) {
		Committer<?> committer = this.committers.get(kind);
		if (committer == null) {
			throw new IllegalArgumentException("No committer of " + kind);
		}
		return committer;
	}

	@GetMapping("/bench/cpu")
	public Map<String, Object> cpu() {
		Map<String, Object> cpu = new LinkedHashMap<>();
		cpu.put("processCpuNanos", processCpuNanos());
		cpu.put("uptimeMs", ManagementFactory.getRuntimeMXBean().getUptime());
		// Time the JIT compilers spent compiling so far (summed over their threads).
		cpu.put("compilationMs", ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
		return cpu;
	}

	/**
	 * Heap in use after full collections (several, until it stops shrinking), and the
	 * direct buffers in use.
	 * @return bytes by name
	 * @throws InterruptedException if interrupted while waiting between collections
	 */
	@GetMapping("/bench/heap")
	public Map<String, Object> heap() throws InterruptedException {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 5; i++) {
			System.gc();
			Thread.sleep(200);
			long now = memory.getHeapMemoryUsage().getUsed();
			if (now >= used - 64 * 1024) {
				used = Math.min(used, now);
				break;
			}
			used = now;
		}
		long direct = 0;
		for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
			direct += pool.getMemoryUsed();
		}
		Map<String, Object> heap = new LinkedHashMap<>();
		heap.put("heapUsed", used);
		heap.put("directUsed", direct);
		heap.put("processCpuNanos", processCpuNanos());
		return heap;
	}

	private static long processCpuNanos() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			return os.getProcessCpuTime();
		}
		return -1;
	}

}
