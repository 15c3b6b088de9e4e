package io.entanglement.autoconfigure;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import javax.management.ObjectName;

import io.entanglement.stomp.InlineWriteCompletions;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.connector.Connector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.AbstractProtocol;
import org.apache.tomcat.util.threads.TaskQueue;
import org.apache.tomcat.util.threads.TaskThreadFactory;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;

/**
 * Gives each Tomcat connector, as it starts, the executor Tomcat would create for it
 * (same minimum and maximum threads, queue and thread names), except that the completion
 * of a STOMP write the socket took at once runs on the thread that wrote it instead of
 * waking a pooled thread (see {@link InlineWriteCompletions}). Every other task goes to
 * the pool as before. A connector that already has an executor (virtual threads, or one
 * of the application's) keeps it. The executor is shut down when its connector stops, as
 * Tomcat does with its own.
 *
 * @author Entanglement
 */
final class TomcatWriteCompletions implements TomcatConnectorCustomizer {

	/** Tomcat's default for how long its executor keeps an idle thread. */
	private static final long DEFAULT_THREADS_MAX_IDLE_MILLIS = 60_000;

	/** Tomcat's default for how long a stopping connector waits for its threads. */
	private static final long DEFAULT_TERMINATION_TIMEOUT_MILLIS = 5_000;

	private static final Log logger = LogFactory.getLog(TomcatWriteCompletions.class);

	@Override
	public void customize(Connector connector) {
		connector.addLifecycleListener(new Installer(connector));
	}

	private static final class Installer implements LifecycleListener {

		private final Connector connector;

		Installer(Connector connector) {
			this.connector = connector;
		}

		@Override
		public void lifecycleEvent(LifecycleEvent event) {
			if (!(this.connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol)) {
				return;
			}
			if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
				Executor executor = protocol.getExecutor();
				if (executor instanceof CompletionExecutor) {
					// Restarted: the stop shut it down. Without an executor the protocol
					// reports its thread settings again.
					protocol.setExecutor(null);
					executor = null;
				}
				if (executor == null && !Boolean.parseBoolean(protocol.getProperty("useVirtualThreads"))) {
					protocol.setExecutor(CompletionExecutor.like(protocol));
				}
			}
			else if (Lifecycle.AFTER_STOP_EVENT.equals(event.getType())
					&& protocol.getExecutor() instanceof CompletionExecutor executor) {
				executor.shutdownNow();
				try {
					executor.awaitTermination(
							millis(protocol, "executorTerminationTimeoutMillis", DEFAULT_TERMINATION_TIMEOUT_MILLIS),
							TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

	}

	/**
	 * A connector property given through {@code Connector.setProperty}, which Tomcat
	 * keeps as text; otherwise, or if it is not a number (Tomcat ignores it then),
	 * Tomcat's default.
	 */
	private static long millis(AbstractProtocol<?> protocol, String property, long tomcatDefault) {
		@Nullable String value = protocol.getProperty(property);
		if (value == null) {
			return tomcatDefault;
		}
		try {
			return Long.parseLong(value.trim());
		}
		catch (NumberFormatException ex) {
			return tomcatDefault;
		}
	}

	/**
	 * Tomcat's executor, running a STOMP write's completion in place when the write
	 * submits it.
	 */
	static final class CompletionExecutor extends ThreadPoolExecutor {

		private CompletionExecutor(int minSpareThreads, int maxThreads, long idleMillis, TaskQueue queue,
				TaskThreadFactory threads) {
			super(minSpareThreads, maxThreads, idleMillis, TimeUnit.MILLISECONDS, queue, threads);
		}

		static CompletionExecutor like(AbstractProtocol<?> protocol) {
			// The protocol's name is quoted for JMX; Tomcat names the threads without
			// quotes.
			String name = ObjectName.unquote(protocol.getName());
			String daemon = protocol.getProperty("daemon");
			TaskQueue queue = new TaskQueue(protocol.getMaxQueueSize());
			CompletionExecutor executor = new CompletionExecutor(protocol.getMinSpareThreads(),
					protocol.getMaxThreads(), millis(protocol, "threadsMaxIdleTime", DEFAULT_THREADS_MAX_IDLE_MILLIS),
					queue, new TaskThreadFactory(name + "-exec-", daemon == null || Boolean.parseBoolean(daemon),
							protocol.getThreadPriority()));
			queue.setParent(executor);
			return executor;
		}

		@Override
		public void execute(Runnable command) {
			if (!InlineWriteCompletions.mayRunHere()) {
				super.execute(command);
				return;
			}
			try {
				command.run();
			}
			catch (RuntimeException ex) {
				// As a pooled thread would: the write that submitted it goes on.
				logger.warn("Write completion failed", ex);
			}
		}

	}

}
