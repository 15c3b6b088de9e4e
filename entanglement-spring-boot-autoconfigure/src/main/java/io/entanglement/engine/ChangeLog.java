package io.entanglement.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import org.jspecify.annotations.Nullable;

/**
 * The durable change sequence that resume tokens point into: one row per object with the
 * number of the commit that last changed it, and tombstones for deleted objects. Each row
 * also keeps the number of the last change that may have changed who sees the object, so
 * that a client catching up is not reset for objects it could not see before its token
 * and still cannot.
 *
 * @author Entanglement
 */
public interface ChangeLog {

	/**
	 * Identifies the database; tokens from another epoch are refused with a reset.
	 * @return the epoch
	 */
	String epoch();

	/**
	 * The number of the latest committed change.
	 * @return the current sequence number
	 */
	long currentSeq();

	/**
	 * The highest sequence number whose tombstones may have been purged; a token below it
	 * cannot be served by catch-up.
	 * @return the purge horizon
	 */
	long purgedSeq();

	/**
	 * Record the changes of a committing transaction on its own connection, numbering
	 * them at commit: the caller's transaction holds the sequence row lock until it
	 * commits, so sequence order is commit order.
	 * @param connection the committing transaction's connection
	 * @param changes the changes of the transaction, one per object
	 * @return the sequence number of the transaction
	 * @throws SQLException if the change log cannot be written; the transaction must fail
	 */
	long append(Connection connection, List<Logged> changes) throws SQLException;

	/**
	 * Record, in a committing transaction, that who may see some objects changed while
	 * the objects did not: they are numbered like changes, so clients catching up past
	 * the number are told, and keep their version and deletion mark.
	 * @param connection the committing transaction's connection
	 * @param keys the objects
	 * @param widenedOnly those of the objects whose access only widened: whoever could
	 * see them before still may
	 * @return the sequence number of the transaction
	 * @throws SQLException if the change log cannot be written; the transaction must fail
	 */
	long touch(Connection connection, Collection<ObjectKey> keys, Set<ObjectKey> widenedOnly) throws SQLException;

	/**
	 * The objects of a type changed or deleted after a sequence number, with the purge
	 * horizon: {@link Changes#since} tells whether the log still holds every tombstone
	 * after a token. The horizon is read with the entries, or after them, so a purge in
	 * between cannot hide a deletion: a purge moves the horizon before it removes
	 * tombstones. One read serves every token at or after the number.
	 * @param type the type
	 * @param afterSeq the lowest sequence number a token served by the read names
	 * @return the objects and the purge horizon
	 */
	default Changes changesAfter(String type, long afterSeq) {
		List<Entry> entries = changesSince(type, afterSeq);
		return new Changes(afterSeq, entries, purgedSeq());
	}

	/**
	 * The objects of a type changed or deleted after a sequence number.
	 * @param type the type name
	 * @param afterSeq the exclusive lower bound
	 * @return one entry per object, in sequence order
	 */
	List<Entry> changesSince(String type, long afterSeq);

	/**
	 * Remove tombstones recorded before the given instant and move the purge horizon.
	 * @param before the retention cut-off
	 * @return the number of tombstones removed
	 */
	int purgeTombstones(Instant before);

	/**
	 * One read of the change log of a type.
	 *
	 * @param afterSeq the exclusive lower bound it was read with
	 * @param entries one entry per object changed after it, in sequence order
	 * @param purgedSeq the purge horizon, read with the entries or after them
	 */
	record Changes(long afterSeq, List<Entry> entries, long purgedSeq) {

		/**
		 * The objects changed after a later sequence number, if the read still holds
		 * every tombstone after it.
		 * @param seq the sequence number a resume token names, at least
		 * {@link #afterSeq()}
		 * @return the objects in sequence order, or {@code null} if tombstones after the
		 * number may have been purged
		 */
		public @Nullable List<Entry> since(long seq) {
			if (seq < this.afterSeq) {
				throw new IllegalArgumentException(
						"Read after " + this.afterSeq + ", so it cannot tell what changed after " + seq);
			}
			if (seq < this.purgedSeq) {
				return null;
			}
			// Entries are in sequence order: the first after the number starts the
			// answer.
			int low = 0;
			int high = this.entries.size();
			while (low < high) {
				int middle = (low + high) >>> 1;
				if (this.entries.get(middle).seq() <= seq) {
					low = middle + 1;
				}
				else {
					high = middle;
				}
			}
			return this.entries.subList(low, this.entries.size());
		}

	}

	/**
	 * One logged object.
	 *
	 * @param id the object id
	 * @param seq the sequence number of its last change
	 * @param version its last version (for a delete, the version of the delete)
	 * @param deleted whether its last change deleted it
	 * @param accessSeq the sequence number of the last change after which other viewers
	 * may see the object than before (an access change, a change of what the policy
	 * decides on, a deletion or a first record of an object that existed before); 0 if
	 * none since it was created
	 */
	record Entry(String id, long seq, long version, boolean deleted, long accessSeq) {

		/**
		 * Whether who may see the object may have changed after a sequence number.
		 * @param afterSeq the sequence number
		 * @return {@code true} if a viewer that may not see it now may have seen it then
		 */
		public boolean accessChangedAfter(long afterSeq) {
			return this.accessSeq > afterSeq;
		}

	}

	/**
	 * A change as the committing transaction records it.
	 *
	 * @param change the change
	 * @param accessState what the policy decides on in the object's new state (see
	 * {@link SyncPolicy#accessState}), for a deletion in its last state; {@code null} if
	 * unknown
	 * @param created whether the transaction created the object: nobody could see it
	 * before
	 */
	record Logged(SyncChange change, @Nullable String accessState, boolean created) {

	}

}
