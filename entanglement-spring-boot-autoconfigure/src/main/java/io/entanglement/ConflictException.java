package io.entanglement;

import org.jspecify.annotations.Nullable;

/**
 * The proposal was based on a version that is no longer current; the current state goes
 * back to the proposer.
 *
 * @author Entanglement
 */
public class ConflictException extends SyncException {

	private final @Nullable SyncChange current;

	/**
	 * Create a new exception.
	 * @param message a message for the client
	 * @param current the object's current state, if the proposer may see it
	 */
	public ConflictException(String message, @Nullable SyncChange current) {
		super("conflict", message);
		this.current = current;
	}

	/**
	 * The object's current state.
	 * @return the current state, or {@code null}
	 */
	public @Nullable SyncChange getCurrent() {
		return this.current;
	}

}
