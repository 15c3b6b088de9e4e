package io.entanglement.jpa;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.entanglement.MirroredObjectException;
import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.engine.ChangeLog;
import io.entanglement.engine.CommitTicket;
import io.entanglement.engine.SyncManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.hibernate.Hibernate;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.engine.spi.TransactionCompletionCallbacks.AfterCompletionCallback;
import org.hibernate.engine.spi.TransactionCompletionCallbacks.BeforeCompletionCallback;
import org.hibernate.event.spi.AbstractPostDatabaseOperationEvent;
import org.hibernate.event.spi.PostDeleteEvent;
import org.hibernate.event.spi.PostDeleteEventListener;
import org.hibernate.event.spi.PostInsertEvent;
import org.hibernate.event.spi.PostInsertEventListener;
import org.hibernate.event.spi.PostUpdateEvent;
import org.hibernate.event.spi.PostUpdateEventListener;
import org.hibernate.persister.entity.EntityPersister;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Captures inserts, updates and deletes of synchronized entities per transaction. Inside
 * the commit, after Hibernate's last flush, the transaction's changes (the last state of
 * each object) are numbered in the change log; after the commit they go to the
 * {@link SyncManager}. A rolled-back transaction publishes nothing.
 *
 * @author Entanglement
 */
public final class JpaChangeCapture
		implements PostInsertEventListener, PostUpdateEventListener, PostDeleteEventListener {

	private static final Log logger = LogFactory.getLog(JpaChangeCapture.class);

	private final JpaSyncTypes types;

	private final SyncManager manager;

	private final ChangeLog changeLog;

	private final Map<SharedSessionContractImplementor, TransactionCapture> captures = new ConcurrentHashMap<>();

	/**
	 * Create a capture.
	 * @param types the synchronized entity classes
	 * @param manager where committed changes go
	 * @param changeLog where they are numbered
	 */
	public JpaChangeCapture(JpaSyncTypes types, SyncManager manager, ChangeLog changeLog) {
		this.types = types;
		this.manager = manager;
		this.changeLog = changeLog;
	}

	@Override
	public void onPostInsert(PostInsertEvent event) {
		capture(event, Kind.INSERT, null);
	}

	@Override
	public void onPostUpdate(PostUpdateEvent event) {
		capture(event, Kind.UPDATE, event.getOldState());
	}

	@Override
	public void onPostDelete(PostDeleteEvent event) {
		capture(event, Kind.DELETE, event.getDeletedState());
	}

	@Override
	public boolean requiresPostCommitHandling(EntityPersister persister) {
		return false;
	}

	/**
	 * Refuse a write of a mirrored object by local code: its owner decides its state.
	 * @param entity the entity about to be merged or removed
	 * @throws MirroredObjectException if the entity is a mirrored object
	 */
	void checkWrite(@Nullable Object entity) {
		if (entity == null || JpaSyncStore.mirroring.get() != null) {
			return;
		}
		JpaSyncStore store = this.types.store(Hibernate.getClass(entity));
		Object id = (store != null) ? store.model().idOf(entity) : null;
		if (store == null || id == null) {
			return;
		}
		ObjectKey key = store.model().keyOf(id);
		String peer = this.manager.mirroredFrom(key);
		if (peer != null) {
			throw new MirroredObjectException(key, peer);
		}
	}

	private void capture(AbstractPostDatabaseOperationEvent event, Kind kind, Object @Nullable [] before) {
		JpaSyncStore store = this.types.store(event.getPersister().getMappedClass());
		if (store == null) {
			return;
		}
		if (JpaSyncStore.mirroring.get() == null) {
			ObjectKey key = store.model().keyOf(event.getId());
			String peer = this.manager.mirroredFrom(key);
			if (peer != null) {
				// The owner decides: failing the write rolls the transaction back.
				throw new MirroredObjectException(key, peer);
			}
		}
		SharedSessionContractImplementor session = event.getSession();
		TransactionCapture capture = this.captures.computeIfAbsent(session, this::begin);
		if (capture.sealed) {
			logger.warn("Entity " + event.getPersister().getEntityName() + " " + event.getId()
					+ " changed after its transaction was numbered; the change is not synchronized");
			return;
		}
		capture.record(store.model(), event.getEntity(), event.getId(), kind, () -> store.model()
			.fromState(event.getId(), event.getPersister().getPropertyNames(), before, this.types.nodeId()));
	}

	private TransactionCapture begin(SharedSessionContractImplementor session) {
		TransactionCapture capture = new TransactionCapture();
		session.getTransactionCompletionCallbacks().registerCallback((BeforeCompletionCallback) capture);
		session.getTransactionCompletionCallbacks().registerCallback((AfterCompletionCallback) capture);
		return capture;
	}

	private enum Kind {

		INSERT, UPDATE, DELETE

	}

	private record Captured(JpaEntityModel model, Object entity, Kind kind, boolean insertedHere,
			@Nullable SyncChange before) {
	}

	/**
	 * The synchronized changes of one transaction of one Hibernate session.
	 */
	private final class TransactionCapture implements BeforeCompletionCallback, AfterCompletionCallback {

		private final Map<ObjectKey, Captured> captured = new LinkedHashMap<>();

		private @Nullable List<SyncChange> changes;

		private @Nullable List<@Nullable SyncChange> previous;

		private @Nullable CommitTicket ticket;

		private volatile boolean sealed;

		void record(JpaEntityModel model, Object entity, Object id, Kind kind, Supplier<@Nullable SyncChange> before) {
			ObjectKey key = model.keyOf(id);
			Captured previous = this.captured.get(key);
			boolean insertedHere = kind == Kind.INSERT || (previous != null && previous.insertedHere());
			// The state before the transaction is the one of its first change of the
			// object.
			SyncChange stateBefore = (previous != null) ? previous.before()
					: (kind != Kind.INSERT) ? before.get() : null;
			// Last state wins inside a transaction: the entity is read when the
			// transaction seals.
			this.captured.put(key, new Captured(model, entity, kind, insertedHere, stateBefore));
		}

		@Override
		public void doBeforeTransactionCompletion(SharedSessionContractImplementor session) {
			this.sealed = true;
			SyncManager manager = JpaChangeCapture.this.manager;
			List<@Nullable SyncChange> previous = new ArrayList<>(this.captured.size());
			List<ChangeLog.Logged> logged = new ArrayList<>(this.captured.size());
			this.captured.forEach((key, captured) -> {
				if (captured.kind() != Kind.DELETE) {
					SyncChange before = captured.insertedHere() ? null : captured.before();
					previous.add(before);
					logged.add(manager.logged(
							captured.model().toChange(captured.entity(), JpaChangeCapture.this.types.nodeId()), before,
							captured.insertedHere()));
				}
				else if (!captured.insertedHere()) {
					previous.add(captured.before());
					// A delete is newer than every version the object had.
					logged.add(manager.logged(SyncChange.delete(key, captured.model().versionOf(captured.entity()) + 1),
							captured.before(), false));
				}
			});
			List<SyncChange> changes = logged.stream().map(ChangeLog.Logged::change).toList();
			if (changes.isEmpty()) {
				return;
			}
			try {
				long seq = JpaChangeCapture.this.changeLog
					.append(session.getJdbcCoordinator().getLogicalConnection().getPhysicalConnection(), logged);
				this.ticket = manager.begin(seq);
				this.changes = changes;
				this.previous = previous;
			}
			catch (SQLException ex) {
				// Failing the commit is the only way not to lose the change for catch-up.
				throw new DataAccessResourceFailureException("Could not record synchronized changes", ex);
			}
		}

		@Override
		public void doAfterTransactionCompletion(boolean success, SharedSessionContractImplementor session) {
			JpaChangeCapture.this.captures.remove(session);
			CommitTicket ticket = this.ticket;
			List<SyncChange> changes = this.changes;
			if (ticket == null || changes == null) {
				return;
			}
			if (success) {
				JpaChangeCapture.this.manager.committed(ticket, changes, this.previous);
			}
			else {
				JpaChangeCapture.this.manager.rolledBack(ticket);
			}
		}

	}

}
