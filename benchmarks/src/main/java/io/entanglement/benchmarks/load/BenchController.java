package io.entanglement.benchmarks.load;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.LinkedHashMap;
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

	private final Committer<?> committer;

	public BenchController(Committer<?> committer) {
		this.committer = committer;
	}

	@PostMapping("/bench/drive")
	public ResponseEntity<Map<String, Object>> drive(@RequestParam double rate, @RequestParam int objects,
			@RequestParam long count, @RequestParam(defaultValue = "1") int batch) {
		if (!this.committer.start(rate, objects, count, batch)) {
			return ResponseEntity.status(409).body(this.committer.status());
		}
		return ResponseEntity.ok(this.committer.status());
	}

	@GetMapping("/bench/drive")
	public Map<String, Object> status() {
		return this.committer.status();
	}

	@GetMapping("/bench/cpu")
	public Map<String, Object> cpu() {
		Map<String, Object> cpu = new LinkedHashMap<>();
		cpu.put("processCpuNanos", processCpuNanos());
		cpu.put("uptimeMs", ManagementFactory.getRuntimeMXBean().getUptime());
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
