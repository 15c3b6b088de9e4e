package io.entanglement.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.entanglement.ConflictException;
import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.SyncViewer;
import org.jspecify.annotations.Nullable;

/**
 * The transitions in progress: at most one per object. A transition lives until the
 * proposal that carries its id commits it, someone else starts one on the object, a
 * conflicting commit lands, the owner rejects it, its initiator disconnects, or it sees
 * no activity for the configured time.
 * <p>
 * Ends are decided here, exactly once per transition; the {@link SyncManager} fans them
 * out on its dispatcher, after the commits they follow.
 *
 * @author Entanglement
 */
final class TransitionService {

	/** Why a transition ended, as sent in {@code transition-end}. */
	enum Reason {

		COMMITTED("committed"), BROKEN("broken"), REJECTED("rejected"), EXPIRED("expired");

		private final String wireName;

		Reason(String wireName) {
			this.wireName = wireName;
		}

		String wireName() {
			return this.wireName;
		}

	}

	private final Map<ObjectKey, Transition> active = new ConcurrentHashMap<>();

	/**
	 * Start or continue a transition.
	 * @return the transition this one replaced, which has ended as broken, or
	 * {@code null}
	 * @throws ConflictException if the transition id is in use by another session
	 */
	@Nullable Transition update(ObjectKey key, String id, SyncViewer initiator, Map<String, @Nullable Object> state,
			SyncChange current) {
		Transition[] replaced = new Transition[1];
		this.active.compute(key, (k, existing) -> {
			if (existing != null && existing.id.equals(id)) {
				if (!existing.initiator.sessionId().equals(initiator.sessionId())) {
					throw new ConflictException("Transition '" + id + "' belongs to another session", null);
				}
				existing.state = state;
				existing.current = current;
				existing.touch();
				return existing;
			}
			replaced[0] = existing;
			return new Transition(key, id, initiator, state, current);
		});
		return replaced[0];
	}

	/**
	 * The active transition of an object, if it has the given id and initiator.
	 */
	@Nullable Transition find(ObjectKey key, String id, SyncViewer initiator) {
		Transition transition = this.active.get(key);
		return (transition != null && transition.id.equals(id)
				&& transition.initiator.sessionId().equals(initiator.sessionId())) ? transition : null;
	}

	/**
	 * The active transition of an object.
	 */
	@Nullable Transition of(ObjectKey key) {
		return this.active.get(key);
	}

	/**
	 * End a transition unless it already ended.
	 * @return whether this call ended it
	 */
	boolean end(Transition transition) {
		return this.active.remove(transition.key, transition);
	}

	Iterable<Transition> all() {
		return this.active.values();
	}

	/**
	 * One transition: who drives it and its latest state.
	 */
	static final class Transition {

		final ObjectKey key;

		final String id;

		final SyncViewer initiator;

		volatile Map<String, @Nullable Object> state;

		/** The object's committed state when the transition was last updated. */
		volatile SyncChange current;

		/** A fan-out of the latest state is queued. */
		final java.util.concurrent.atomic.AtomicBoolean scheduled = new java.util.concurrent.atomic.AtomicBoolean();

		volatile long lastActivityNanos = System.nanoTime();

		/** When its state was last fanned out. */
		volatile long lastFanOutNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

		/** The proposal that commits it is being applied. */
		volatile boolean committing;

		Transition(ObjectKey key, String id, SyncViewer initiator, Map<String, @Nullable Object> state,
				SyncChange current) {
			this.key = key;
			this.id = id;
			this.initiator = initiator;
			this.state = state;
			this.current = current;
		}

		void touch() {
			this.lastActivityNanos = System.nanoTime();
		}

		/**
		 * The object as this transition shows it.
		 */
		SyncChange overlay(SyncChange current) {
			return TransitionService.overlay(current, this.state);
		}

	}

	/**
	 * An object as a transition shows it: its state with the transition's attributes over
	 * it.
	 * @param current the object's committed state
	 * @param state the transition's attributes
	 * @return the shown state
	 */
	static SyncChange overlay(SyncChange current, Map<String, @Nullable Object> state) {
		Map<String, @Nullable Object> merged = new java.util.LinkedHashMap<>(current.state());
		merged.putAll(state);
		return new SyncChange(current.op(), current.key(), current.owner(), current.version(), merged);
	}

}
