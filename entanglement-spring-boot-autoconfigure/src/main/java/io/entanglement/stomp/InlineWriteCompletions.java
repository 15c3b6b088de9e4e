package io.entanglement.stomp;

/**
 * Tells a container's executor that a task comes from an asynchronous send of the STOMP
 * writer on the current thread, and may run at once, on this thread.
 * <p>
 * Tomcat hands the completion of every asynchronous WebSocket write to its executor, even
 * when the socket took the write at once: JSR-356 asks for it, so that a send from a
 * completion cannot nest without bound. The STOMP writer never sends from a completion
 * that runs during its own send (it loops instead), so for its writes the hand-off only
 * wakes a parked thread per write. Writes that wait for the socket complete later, on
 * another thread, where this answers {@code false}.
 *
 * @author Entanglement
 */
public final class InlineWriteCompletions {

	private static final ThreadLocal<boolean[]> sending = ThreadLocal.withInitial(() -> new boolean[1]);

	private InlineWriteCompletions() {
	}

	/**
	 * Whether the current thread is inside an asynchronous send of the STOMP writer, so a
	 * task submitted now is that send's completion.
	 * @return {@code true} inside such a send
	 */
	public static boolean mayRunHere() {
		return sending.get()[0];
	}

	/**
	 * The current thread's flag, set around a send.
	 */
	static boolean[] flag() {
		return sending.get();
	}

}
