package io.entanglement.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.engine.ChangeLog;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * {@link ChangeLog} in two tables created by the starter's migration: a single clock row
 * whose lock orders committing transactions, and one row per object with the number of
 * its last change.
 *
 * @author Entanglement
 */
public final class JdbcChangeLog implements ChangeLog {

	private static final String NEXT_SEQ = "UPDATE entanglement_clock SET seq = seq + 1 WHERE id = 1";

	private static final String READ_SEQ = "SELECT seq FROM entanglement_clock WHERE id = 1";

	private static final String UPDATE_CHANGE = "UPDATE entanglement_change SET seq = ?, version = ?, deleted = ?, "
			+ "changed_at = ? WHERE object_type = ? AND object_id = ?";

	private static final String INSERT_CHANGE = "INSERT INTO entanglement_change "
			+ "(seq, version, deleted, changed_at, object_type, object_id) VALUES (?, ?, ?, ?, ?, ?)";

	private static final String TOUCH_CHANGE = "UPDATE entanglement_change SET seq = ?, changed_at = ? "
			+ "WHERE object_type = ? AND object_id = ?";

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	/**
	 * Create a change log on the application's data source.
	 * @param dataSource the data source holding the change log tables
	 */
	public JdbcChangeLog(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
	}

	@Override
	public String epoch() {
		String candidate = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
		this.jdbc.update("UPDATE entanglement_clock SET epoch = ? WHERE id = 1 AND epoch IS NULL", candidate);
		return this.jdbc.queryForObject("SELECT epoch FROM entanglement_clock WHERE id = 1", String.class);
	}

	@Override
	public long currentSeq() {
		Long seq = this.jdbc.queryForObject(READ_SEQ, Long.class);
		return (seq != null) ? seq : 0;
	}

	@Override
	public long purgedSeq() {
		Long seq = this.jdbc.queryForObject("SELECT purged_seq FROM entanglement_clock WHERE id = 1", Long.class);
		return (seq != null) ? seq : 0;
	}

	@Override
	public long append(Connection connection, List<SyncChange> changes) throws SQLException {
		long seq = next(connection);
		Timestamp now = Timestamp.from(Instant.now());
		List<SyncChange> missing = new ArrayList<>();
		try (PreparedStatement update = connection.prepareStatement(UPDATE_CHANGE)) {
			for (SyncChange change : changes) {
				bind(update, seq, change, now);
				update.addBatch();
			}
			int[] counts = update.executeBatch();
			for (int i = 0; i < counts.length; i++) {
				if (counts[i] == 0) {
					missing.add(changes.get(i));
				}
			}
		}
		if (!missing.isEmpty()) {
			// The clock row lock is held, so no other transaction inserts these rows
			// meanwhile.
			try (PreparedStatement insert = connection.prepareStatement(INSERT_CHANGE)) {
				for (SyncChange change : missing) {
					bind(insert, seq, change, now);
					insert.addBatch();
				}
				insert.executeBatch();
			}
		}
		return seq;
	}

	@Override
	public long touch(Connection connection, Collection<ObjectKey> keys) throws SQLException {
		long seq = next(connection);
		Timestamp now = Timestamp.from(Instant.now());
		List<ObjectKey> missing = new ArrayList<>();
		List<ObjectKey> ordered = List.copyOf(keys);
		try (PreparedStatement update = connection.prepareStatement(TOUCH_CHANGE)) {
			for (ObjectKey key : ordered) {
				update.setLong(1, seq);
				update.setTimestamp(2, now);
				update.setString(3, key.type());
				update.setString(4, key.id());
				update.addBatch();
			}
			int[] counts = update.executeBatch();
			for (int i = 0; i < counts.length; i++) {
				if (counts[i] == 0) {
					missing.add(ordered.get(i));
				}
			}
		}
		if (!missing.isEmpty()) {
			// Objects never logged before: the version is not used for live objects.
			try (PreparedStatement insert = connection.prepareStatement(INSERT_CHANGE)) {
				for (ObjectKey key : missing) {
					bind(insert, seq, SyncChange.forget(key, 0), now);
					insert.addBatch();
				}
				insert.executeBatch();
			}
		}
		return seq;
	}

	private static long next(Connection connection) throws SQLException {
		try (PreparedStatement next = connection.prepareStatement(NEXT_SEQ)) {
			next.executeUpdate();
		}
		try (PreparedStatement read = connection.prepareStatement(READ_SEQ); ResultSet rs = read.executeQuery()) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private void bind(PreparedStatement statement, long seq, SyncChange change, Timestamp now) throws SQLException {
		statement.setLong(1, seq);
		statement.setLong(2, change.version());
		statement.setBoolean(3, change.op() == SyncChange.Op.DELETE);
		statement.setTimestamp(4, now);
		statement.setString(5, change.key().type());
		statement.setString(6, change.key().id());
	}

	@Override
	public List<Entry> changesSince(String type, long afterSeq) {
		return this.jdbc.query(
				"SELECT object_id, seq, version, deleted FROM entanglement_change "
						+ "WHERE object_type = ? AND seq > ? ORDER BY seq",
				(rs, row) -> new Entry(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getBoolean(4)), type,
				afterSeq);
	}

	@Override
	public int purgeTombstones(Instant before) {
		Integer purged = this.transactions.execute((status) -> {
			Long horizon = this.jdbc.queryForObject(
					"SELECT MAX(seq) FROM entanglement_change WHERE deleted = TRUE AND changed_at < ?", Long.class,
					Timestamp.from(before));
			if (horizon == null) {
				return 0;
			}
			// Move the horizon first: a token below it can no longer be served by
			// catch-up.
			this.jdbc.update("UPDATE entanglement_clock SET purged_seq = ? WHERE id = 1 AND purged_seq < ?", horizon,
					horizon);
			return this.jdbc.update("DELETE FROM entanglement_change WHERE deleted = TRUE AND seq <= ?", horizon);
		});
		return (purged != null) ? purged : 0;
	}

}
