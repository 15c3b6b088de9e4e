package io.entanglement.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import io.entanglement.AccessChanges;
import io.entanglement.AccessScope;
import io.entanglement.ObjectKey;
import io.entanglement.SyncStore;
import io.entanglement.UnknownTypeException;
import io.entanglement.engine.ChangeLog;
import io.entanglement.engine.CommitTicket;
import io.entanglement.engine.SyncManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * Access changes numbered in the change log of the transaction that makes them, and
 * published to the {@link SyncManager} after it commits.
 *
 * @author Entanglement
 */
public final class JdbcAccessChanges implements AccessChanges {

	private static final Log logger = LogFactory.getLog(JdbcAccessChanges.class);

	private final DataSource dataSource;

	private final ChangeLog changeLog;

	private final SyncManager manager;

	/**
	 * Create the access changes.
	 * @param dataSource the data source of the change log and of the transactions that
	 * change access
	 * @param changeLog the change log
	 * @param manager the sync manager
	 */
	public JdbcAccessChanges(DataSource dataSource, ChangeLog changeLog, SyncManager manager) {
		this.dataSource = dataSource;
		this.changeLog = changeLog;
		this.manager = manager;
	}

	@Override
	public void changing(ObjectKey key, AccessScope before) {
		announce(key, before, false);
	}

	@Override
	public void widening(ObjectKey key, AccessScope before) {
		announce(key, before, true);
	}

	private void announce(ObjectKey key, AccessScope before, boolean widening) {
		Assert.state(TransactionSynchronizationManager.isSynchronizationActive(),
				"Access changes must be made inside a transaction");
		SyncStore store = this.manager.store(key.type());
		if (store == null) {
			throw new UnknownTypeException(key.type());
		}
		Pending pending = (Pending) TransactionSynchronizationManager.getResource(this);
		if (pending == null) {
			pending = new Pending();
			TransactionSynchronizationManager.bindResource(this, pending);
			TransactionSynchronizationManager.registerSynchronization(pending);
		}
		// The access before the first change of the transaction is what viewers hold.
		(store.durable() ? pending.scopes : pending.inMemory).putIfAbsent(key, before);
		if (!widening) {
			pending.narrowed.add(key);
		}
	}

	/**
	 * The access changes of one transaction.
	 */
	private final class Pending implements TransactionSynchronization {

		private final Map<ObjectKey, AccessScope> scopes = new LinkedHashMap<>();

		/** Objects held in memory: numbered in the node's memory once committed. */
		private final Map<ObjectKey, AccessScope> inMemory = new LinkedHashMap<>();

		/** Objects whose access may have narrowed: not only widened. */
		private final Set<ObjectKey> narrowed = new HashSet<>();

		private @Nullable CommitTicket ticket;

		@Override
		public void beforeCommit(boolean readOnly) {
			if (this.scopes.isEmpty()) {
				return;
			}
			Connection connection = DataSourceUtils.getConnection(JdbcAccessChanges.this.dataSource);
			try {
				long seq = JdbcAccessChanges.this.changeLog.touch(connection, this.scopes.keySet(),
						widenedOnly(this.scopes.keySet()));
				this.ticket = JdbcAccessChanges.this.manager.begin(seq);
			}
			catch (SQLException ex) {
				// Failing the commit is the only way not to lose the change for catch-up.
				throw new DataAccessResourceFailureException("Could not record access changes", ex);
			}
			finally {
				DataSourceUtils.releaseConnection(connection, JdbcAccessChanges.this.dataSource);
			}
		}

		private Set<ObjectKey> widenedOnly(Set<ObjectKey> keys) {
			Set<ObjectKey> widened = new HashSet<>(keys);
			widened.removeAll(this.narrowed);
			return widened;
		}

		@Override
		public void beforeCompletion() {
			TransactionSynchronizationManager.unbindResourceIfPossible(JdbcAccessChanges.this);
		}

		@Override
		public void afterCompletion(int status) {
			if (status == STATUS_COMMITTED && !this.inMemory.isEmpty()) {
				try {
					JdbcAccessChanges.this.manager.memoryAccessChanged(this.inMemory,
							widenedOnly(this.inMemory.keySet()));
				}
				catch (RuntimeException ex) {
					logger.error("Could not apply access changes of objects held in memory", ex);
				}
			}
			CommitTicket ticket = this.ticket;
			if (ticket == null) {
				return;
			}
			SyncManager manager = JdbcAccessChanges.this.manager;
			if (status != STATUS_COMMITTED) {
				manager.rolledBack(ticket);
				return;
			}
			manager.accessChanged(ticket, this.scopes);
		}

	}

}
