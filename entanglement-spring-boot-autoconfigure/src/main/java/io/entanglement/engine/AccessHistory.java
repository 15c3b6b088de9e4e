package io.entanglement.engine;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

import io.entanglement.AccessScope;
import io.entanglement.SyncChange;
import org.jspecify.annotations.Nullable;

/**
 * What this instance fanned out of the changes of who may see the objects of one type:
 * per object, the access each change of its access control list was announced with, and
 * the state before each change of what the policy decides on. Catch-up asks it whether a
 * viewer that may not see an object now could see it at its token: one that could is told
 * to forget it, one that could not hears nothing of it, where without it both would start
 * over from a fresh snapshot.
 * <p>
 * It answers only for tokens after its floor: every access change numbered after the
 * floor is recorded here, or recorded as unknown. It starts recording at the type's first
 * change of an access control list (it decides only from one), so a type whose lists
 * never change keeps nothing and asks the policy nothing, and it keeps at most a bounded
 * number of changes: dropping the oldest raises the floor past it. Written under its own
 * lock, by the fan-out; read without one.
 *
 * @author Entanglement
 */
final class AccessHistory {

	private static final Event[] NONE = {};

	private final int keptAtMost;

	private final Map<String, Event[]> byId = new ConcurrentHashMap<>();

	/** Guarded by this history's lock. */
	private final Queue<Event> order = new ArrayDeque<>();

	/**
	 * Every access change numbered after it is recorded; {@link Long#MAX_VALUE} until the
	 * first is.
	 */
	private volatile long floor = Long.MAX_VALUE;

	/** Guarded by this history's lock. */
	private long seen;

	AccessHistory(int keptAtMost) {
		this.keptAtMost = keptAtMost;
	}

	/**
	 * Record a change of an object's access control list.
	 * @param seq the number of the change
	 * @param id the object id
	 * @param before decides as access was before the change
	 */
	synchronized void aclChanged(long seq, String id, AccessScope before) {
		add(new Event(id, seq, before, null));
	}

	/**
	 * Record that who may see an object changed in a way not known here: its access
	 * changed on another instance, or it could not be read when its access changed here.
	 * @param seq the number of the change
	 * @param id the object id
	 */
	synchronized void accessUnknown(long seq, String id) {
		add(new Event(id, seq, null, null));
	}

	/**
	 * Record a committed change of an object, as its commit was fanned out in order: it
	 * changed who may see the object if the policy decides differently on the state
	 * before it. An object whose state before the change is not known may have been
	 * created or changed in any way: see {@link #unknown}.
	 * @param seq the number of the commit
	 * @param current the object's new state
	 * @param previous its state before the commit, {@code null} if new or unknown
	 * @param accessState what the policy decides on in a state, {@code null} if unknown
	 */
	synchronized void changed(long seq, SyncChange current, @Nullable SyncChange previous,
			Function<SyncChange, @Nullable String> accessState) {
		if (!recording()) {
			// Decided on only after a change of a list: until one, nothing to keep.
			seen(seq);
			return;
		}
		if (previous == null) {
			unknown(seq, current.key().id());
			return;
		}
		String now = accessState.apply(current);
		String before = accessState.apply(previous);
		if (now == null || before == null) {
			// Any change may change who sees it: nothing here can answer for it.
			lost(seq);
		}
		else if (!now.equals(before)) {
			add(new Event(current.key().id(), seq, null, previous));
		}
		else {
			seen(seq);
		}
	}

	/**
	 * Record that an object changed in a way not known here (on another instance, or
	 * created again): who may see it may have changed. Before this history records
	 * anything, its floor already excludes it.
	 * @param seq the number of the change
	 * @param id the object id
	 */
	synchronized void unknown(long seq, String id) {
		if (recording()) {
			add(new Event(id, seq, null, null));
		}
		else {
			seen(seq);
		}
	}

	/**
	 * Forget what was recorded up to a number: access changes up to it may have been
	 * missed here.
	 * @param seq the number
	 */
	synchronized void lost(long seq) {
		if (recording()) {
			raiseFloor(seq);
		}
		else {
			seen(seq);
		}
	}

	/**
	 * Whether a viewer could see an object at a token, judged on a state the object had
	 * at or after every change recorded here: its current state, or its last before its
	 * deletion. It can be told when the first access change after the token is one of the
	 * object's access control list: the access that change was announced with is the
	 * access at the token, and the object's state at the token is the one before its
	 * first change of what the policy decides on, if any. It cannot be told when that
	 * change came first (access announced since may not have been announced for the state
	 * it had then), when an unknown change came since the token, or when none was
	 * recorded.
	 * @param state the state
	 * @param afterSeq the number the token names
	 * @param maySee the viewer's decision on a state, under the access in force when it
	 * is asked
	 * @return whether it could, or {@code null} if that cannot be told here
	 */
	@Nullable Boolean couldSee(SyncChange state, long afterSeq, Predicate<SyncChange> maySee) {
		Event[] events = this.byId.getOrDefault(state.key().id(), NONE);
		// Read after the events: the floor rises before the events it passes are dropped.
		if (afterSeq < this.floor) {
			return null;
		}
		Event first = null;
		Event firstOfState = null;
		for (Event event : events) {
			if (event.seq() <= afterSeq) {
				continue;
			}
			if (event.scope() == null && event.previous() == null) {
				return null;
			}
			first = (first == null || event.seq() < first.seq()) ? event : first;
			if (event.previous() != null && (firstOfState == null || event.seq() < firstOfState.seq())) {
				firstOfState = event;
			}
		}
		AccessScope scope = (first != null) ? first.scope() : null;
		if (scope == null) {
			return null;
		}
		SyncChange then = (firstOfState != null) ? firstOfState.previous() : state;
		return scope.before(() -> maySee.test(then));
	}

	/**
	 * The lowest token number this history answers for, {@link Long#MAX_VALUE} if none.
	 * @return the floor
	 */
	long floor() {
		return this.floor;
	}

	/**
	 * How many changes are recorded.
	 * @return the count
	 */
	synchronized int size() {
		return this.order.size();
	}

	private void add(Event event) {
		if (!recording()) {
			// Nothing before it was recorded: it answers for tokens from just before it
			// and after every number heard of before it, out of order, from others.
			this.floor = Math.max(event.seq() - 1, this.seen);
		}
		this.byId.merge(event.id(), new Event[] { event }, AccessHistory::concat);
		this.order.add(event);
		while (this.order.size() > this.keptAtMost) {
			Event oldest = this.order.poll();
			raiseFloor(oldest.seq());
			this.byId.computeIfPresent(oldest.id(), (id, events) -> without(events, oldest));
		}
	}

	/** Whether a change of an access control list has been recorded: the floor is set. */
	private boolean recording() {
		return this.floor != Long.MAX_VALUE;
	}

	/** Until this history records, the highest number it was told of. */
	private void seen(long seq) {
		this.seen = Math.max(this.seen, seq);
	}

	/**
	 * Called before the changes it passes are dropped: a reader that misses one sees the
	 * floor moved. Changes below it that are still kept are passed over by every reader.
	 */
	private void raiseFloor(long seq) {
		this.floor = Math.max(this.floor, seq);
	}

	private static Event[] concat(Event[] kept, Event[] added) {
		Event[] all = Arrays.copyOf(kept, kept.length + added.length);
		System.arraycopy(added, 0, all, kept.length, added.length);
		return all;
	}

	private static Event @Nullable [] without(Event[] events, Event dropped) {
		Event[] rest = Arrays.stream(events).filter((event) -> event != dropped).toArray(Event[]::new);
		return (rest.length > 0) ? rest : null;
	}

	/**
	 * One access change: of the access control list (with the access before it), of what
	 * the policy decides on (with the state before it), or not known here (neither).
	 */
	private record Event(String id, long seq, @Nullable AccessScope scope, @Nullable SyncChange previous) {
	}

}
