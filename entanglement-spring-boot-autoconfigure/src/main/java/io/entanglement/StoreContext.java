package io.entanglement;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * What Entanglement offers a {@link SyncStore} that is not captured in database
 * transactions: a way to publish its changes, and news of users leaving.
 *
 * @author Entanglement
 * @see SyncStore#attach(StoreContext)
 */
public interface StoreContext {

	/**
	 * Publish changes the store has made, once they are its current state: they are
	 * numbered for catch-up within the node's lifetime and sent to every subscriber who
	 * may see them, the changes of one call in one batch. Calls are numbered in the order
	 * they are made.
	 * @param changes the changes, one per object
	 * @param previous the state of each object before the change (same order,
	 * {@code null} where new), so viewers who could see it and no longer may are told to
	 * forget it
	 */
	void publish(List<SyncChange> changes, List<@Nullable SyncChange> previous);

	/**
	 * Listen for users whose last session on this node closed.
	 * @param listener receives the principal name
	 */
	void onUserLeft(Consumer<String> listener);

	/**
	 * Run a task periodically on the engine's scheduler, until the engine stops.
	 * @param period the time between two runs
	 * @param task the task
	 */
	void every(Duration period, Runnable task);

	/**
	 * The id of this node: the owner of objects no user owns.
	 * @return the node id
	 */
	String nodeId();

}
