package io.entanglement.benchmarks.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.LongFunction;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * Commits edits of markers at a fixed rate, each transaction editing {@code batch}
 * distinct markers (read, edit, save), cycling over the first {@code objects} markers, on
 * one thread or on several (as an application commits from several request threads),
 * which then take turns by transaction and never edit the same marker at once. A commit
 * that falls behind its schedule runs at once; how far behind the driver fell is
 * reported, so a rate the server could not sustain shows.
 *
 * @param <T> the marker entity of the server
 * @author Entanglement
 */
public final class Committer<T extends MarkerFields> {

	private static final Log logger = LogFactory.getLog(Committer.class);

	private final JpaRepository<T, Long> repository;

	private final LongFunction<T> factory;

	private final TransactionTemplate transactions;

	private final String kind;

	private final BiConsumer<Long, Long> seeded;

	private volatile Run run = Run.NONE;

	private long count;

	private long step;

	private volatile boolean ready;

	public Committer(JpaRepository<T, Long> repository, LongFunction<T> factory, TransactionTemplate transactions) {
		this("marker", repository, factory, transactions, (from, to) -> {
		});
	}

	/**
	 * Create a committer of one kind of marker.
	 * @param kind the name the harness drives it by
	 * @param repository the markers
	 * @param factory creates marker {@code id}
	 * @param transactions the transactions
	 * @param seeded called after markers {@code from} (inclusive) to {@code to}
	 * (exclusive) were created, as an application would grant access to them
	 */
	public Committer(String kind, JpaRepository<T, Long> repository, LongFunction<T> factory,
			TransactionTemplate transactions, BiConsumer<Long, Long> seeded) {
		this.kind = kind;
		this.repository = repository;
		this.factory = factory;
		this.transactions = transactions;
		this.seeded = seeded;
	}

	/**
	 * The name the harness drives this committer by.
	 * @return the kind
	 */
	public String kind() {
		return this.kind;
	}

	/**
	 * Create the markers up to {@code count-1} that do not exist yet, in transactions of
	 * 100.
	 * @param count how many markers there are afterwards
	 */
	public synchronized void seed(int count) {
		long from = this.count;
		for (long first = from; first < count; first += 100) {
			long start = first;
			this.transactions.executeWithoutResult((status) -> {
				for (long id = start; id < Math.min(start + 100, count); id++) {
					this.repository.save(this.factory.apply(id));
				}
			});
		}
		if (count > from) {
			this.count = count;
			this.seeded.accept(from, (long) count);
		}
	}

	/**
	 * Report the server ready for the harness: seeded, and granted what it grants.
	 */
	public void ready() {
		this.ready = true;
	}

	/**
	 * Start committing on new threads, which take turns by transaction: the first commits
	 * transactions 0, {@code threads}, 2 × {@code threads}..., the second 1,
	 * {@code threads} + 1..., each at its time in the common schedule.
	 * @param rate transactions per second in all (zero: as fast as possible)
	 * @param objects how many markers to cycle over; with several threads a multiple of
	 * {@code threads × batch}, so that no two threads edit the same marker at once
	 * @param count how many transactions in all
	 * @param batch markers edited per transaction
	 * @param threads how many threads commit
	 * @return whether it started (false while a previous run goes on)
	 */
	public synchronized boolean start(double rate, int objects, long count, int batch, int threads) {
		Assert.isTrue(objects > 0 && batch > 0 && batch <= objects, "batch must be between 1 and objects");
		Assert.isTrue(threads > 0, "threads must be positive");
		Assert.isTrue(threads == 1 || objects % (threads * batch) == 0,
				() -> "With " + threads + " threads, objects must be a multiple of " + (threads * batch));
		if (this.run.running()) {
			return false;
		}
		Run run = new Run(rate, objects, count, batch, threads, this.step);
		this.step += count * batch;
		this.run = run;
		run.startedNanos = System.nanoTime();
		for (int t = 0; t < threads; t++) {
			int first = t;
			Thread thread = new Thread(() -> drive(run, first), (threads == 1) ? "committer" : "committer-" + t);
			thread.setDaemon(true);
			thread.start();
		}
		return true;
	}

	private void drive(Run run, int first) {
		long period = (run.rate > 0) ? (long) (1e9 / run.rate) : 0;
		long start = run.startedNanos;
		try {
			for (long i = first; i < run.count && run.failure.isEmpty(); i += run.threads) {
				long due = start + i * period;
				long wait = due - System.nanoTime();
				if (wait > 0) {
					LockSupport.parkNanos(wait);
				}
				else {
					run.behind(-wait);
				}
				long step = run.firstStep + i * run.batch;
				Long stamped = this.transactions.execute((status) -> {
					long edit = step;
					for (T marker : load(run, step)) {
						marker.edit(edit++);
						this.repository.save(marker);
						run.sent(marker.getSentAt());
					}
					return System.nanoTime();
				});
				run.committed(System.nanoTime() - stamped);
			}
		}
		catch (RuntimeException ex) {
			logger.error("Committer stopped", ex);
			run.failure = ex.toString();
		}
		finally {
			run.threadEnded();
		}
	}

	/**
	 * The markers a transaction edits, in the order it edits them: one query for all of
	 * them, as an application editing several rows would read them.
	 * @param run the run
	 * @param step the transaction's first step: it edits markers {@code step},
	 * {@code step + 1}... (modulo the run's objects)
	 */
	private List<T> load(Run run, long step) {
		if (run.batch == 1) {
			return List.of(this.repository.findById(step % run.objects).orElseThrow());
		}
		List<Long> ids = new ArrayList<>(run.batch);
		for (int b = 0; b < run.batch; b++) {
			ids.add((step + b) % run.objects);
		}
		Map<Long, T> byId = new HashMap<>();
		this.repository.findAllById(ids).forEach((marker) -> byId.put(marker.getId(), marker));
		List<T> markers = new ArrayList<>(run.batch);
		for (Long id : ids) {
			T marker = byId.get(id);
			Assert.state(marker != null, () -> "No marker " + id);
			markers.add(marker);
		}
		return markers;
	}

	/**
	 * What the current (or last) run did.
	 * @return its figures by name
	 */
	public Map<String, Object> status() {
		Run run = this.run;
		Map<String, Object> status = new LinkedHashMap<>();
		status.put("ready", this.ready);
		status.put("running", run.running());
		status.put("commits", run.commits);
		status.put("updates", run.commits * run.batch);
		status.put("firstSentAt", run.firstSentAt);
		status.put("lastSentAt", run.lastSentAt);
		long end = (run.endedNanos != 0) ? run.endedNanos : System.nanoTime();
		status.put("elapsedMs", (run.startedNanos != 0) ? (end - run.startedNanos) / 1e6 : 0);
		status.put("maxBehindMs", run.maxBehindNanos / 1e6);
		if (!run.running()) {
			// Sorted once the run has ended: the harness polls while it runs.
			status.put("commitP50Ms", run.commitPercentile(50) / 1e6);
			status.put("commitP99Ms", run.commitPercentile(99) / 1e6);
		}
		status.put("failure", run.failure);
		return status;
	}

	private static final class Run {

		/** The transactions timed in one run, at most. */
		static final int MAX_TIMED = 100_000;

		static final Run NONE = new Run(0, 1, 0, 1, 1, 0);

		final double rate;

		final int objects;

		final long count;

		final int batch;

		final int threads;

		/** The step of the first marker edit of the run. */
		final long firstStep;

		private int running;

		volatile long startedNanos;

		volatile long endedNanos;

		volatile long commits;

		volatile long firstSentAt;

		volatile long lastSentAt;

		volatile long maxBehindNanos;

		volatile String failure = "";

		/**
		 * How long each of the first transactions took from the end of its edits (the
		 * last stamp and its save) until it had committed (the server's work after commit
		 * included), in nanoseconds.
		 */
		private final long[] commitNanos;

		Run(double rate, int objects, long count, int batch, int threads, long firstStep) {
			this.rate = rate;
			this.objects = objects;
			this.count = count;
			this.batch = batch;
			this.threads = threads;
			this.firstStep = firstStep;
			this.running = threads;
			this.commitNanos = new long[(int) Math.min(count, MAX_TIMED)];
			if (count == 0) {
				this.endedNanos = 1;
			}
		}

		synchronized void behind(long nanos) {
			this.maxBehindNanos = Math.max(this.maxBehindNanos, nanos);
		}

		synchronized void sent(long sentAt) {
			if (this.firstSentAt == 0 || sentAt < this.firstSentAt) {
				this.firstSentAt = sentAt;
			}
			this.lastSentAt = Math.max(this.lastSentAt, sentAt);
		}

		synchronized void threadEnded() {
			if (--this.running == 0) {
				this.endedNanos = System.nanoTime();
			}
		}

		synchronized void committed(long nanos) {
			if (this.commits < this.commitNanos.length) {
				this.commitNanos[(int) this.commits] = nanos;
			}
			this.commits++;
		}

		/**
		 * A percentile of the timed transactions, picked as the harness picks its own
		 * ({@code percentile} in {@code load/run.mjs}).
		 */
		synchronized long commitPercentile(int percent) {
			int timed = (int) Math.min(this.commits, this.commitNanos.length);
			if (timed == 0) {
				return 0;
			}
			long[] sorted = Arrays.copyOf(this.commitNanos, timed);
			Arrays.sort(sorted);
			return sorted[Math.min(timed - 1, (int) Math.floor(percent / 100.0 * timed))];
		}

		boolean running() {
			return this.endedNanos == 0;
		}

	}

}
