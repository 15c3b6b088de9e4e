package io.entanglement.jdbc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.engine.ChangeLog;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
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

	/**
	 * Who sees the object changed unless it was live and its access state is the same.
	 * The access columns come first: MariaDB assigns from left to right, reading the
	 * columns already assigned.
	 */
	private static final String UPDATE_CHANGE = "UPDATE entanglement_change SET "
			+ "access_seq = CASE WHEN deleted = FALSE AND access_hash = ? THEN access_seq ELSE ? END, "
			+ "access_hash = ?, seq = ?, version = ?, deleted = ?, changed_at = ? "
			+ "WHERE object_type = ? AND object_id = ?";

	private static final String INSERT_CHANGE = "INSERT INTO entanglement_change "
			+ "(access_seq, access_hash, seq, version, deleted, changed_at, object_type, object_id) "
			+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

	/**
	 * A widening keeps the number of the last access change, unless the object was
	 * deleted (its row then tells nothing of who saw it).
	 */
	private static final String TOUCH_CHANGE = "UPDATE entanglement_change SET "
			+ "access_seq = CASE WHEN deleted = FALSE AND ? THEN access_seq ELSE ? END, seq = ?, changed_at = ? "
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
	public long append(Connection connection, List<Logged> changes) throws SQLException {
		// Hashed before the clock row is locked: every committing transaction waits for
		// it.
		@Nullable Long[] hashes = hashes(changes);
		long seq = next(connection);
		Timestamp now = Timestamp.from(Instant.now());
		List<Integer> missing = new ArrayList<>();
		try (PreparedStatement update = connection.prepareStatement(UPDATE_CHANGE)) {
			for (int i = 0; i < changes.size(); i++) {
				setHash(update, 1, hashes[i]);
				update.setLong(2, seq);
				setHash(update, 3, hashes[i]);
				bind(update, 4, seq, changes.get(i).change(), now);
				update.addBatch();
			}
			int[] counts = update.executeBatch();
			for (int i = 0; i < counts.length; i++) {
				if (counts[i] == 0) {
					missing.add(i);
				}
			}
		}
		if (!missing.isEmpty()) {
			// The clock row lock is held, so no other transaction inserts these rows
			// meanwhile.
			try (PreparedStatement insert = connection.prepareStatement(INSERT_CHANGE)) {
				for (int i : missing) {
					// Logged only now but older than that: its viewers may hold it.
					insert.setLong(1, changes.get(i).created() ? 0 : seq);
					setHash(insert, 2, hashes[i]);
					bind(insert, 3, seq, changes.get(i).change(), now);
					insert.addBatch();
				}
				insert.executeBatch();
			}
		}
		return seq;
	}

	@Override
	public long touch(Connection connection, Collection<ObjectKey> keys, Set<ObjectKey> widenedOnly)
			throws SQLException {
		long seq = next(connection);
		Timestamp now = Timestamp.from(Instant.now());
		List<ObjectKey> missing = new ArrayList<>();
		List<ObjectKey> ordered = List.copyOf(keys);
		try (PreparedStatement update = connection.prepareStatement(TOUCH_CHANGE)) {
			for (ObjectKey key : ordered) {
				update.setBoolean(1, widenedOnly.contains(key));
				update.setLong(2, seq);
				update.setLong(3, seq);
				update.setTimestamp(4, now);
				update.setString(5, key.type());
				update.setString(6, key.id());
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
					insert.setLong(1, seq);
					setHash(insert, 2, null);
					bind(insert, 3, seq, SyncChange.forget(key, 0), now);
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

	private static void bind(PreparedStatement statement, int first, long seq, SyncChange change, Timestamp now)
			throws SQLException {
		statement.setLong(first, seq);
		statement.setLong(first + 1, change.version());
		statement.setBoolean(first + 2, change.op() == SyncChange.Op.DELETE);
		statement.setTimestamp(first + 3, now);
		statement.setString(first + 4, change.key().type());
		statement.setString(first + 5, change.key().id());
	}

	private static void setHash(PreparedStatement statement, int index, @Nullable Long hash) throws SQLException {
		if (hash != null) {
			statement.setLong(index, hash);
		}
		else {
			statement.setNull(index, Types.BIGINT);
		}
	}

	/**
	 * The access states in a fixed width: the first 64 bits of their SHA-256. Two states
	 * of one object that differ are taken for equal once in 2^64.
	 */
	private static @Nullable Long[] hashes(List<Logged> changes) {
		@Nullable Long[] hashes = new Long[changes.size()];
		MessageDigest sha256;
		try {
			sha256 = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			// Every Java platform has SHA-256.
			throw new IllegalStateException(ex);
		}
		for (int i = 0; i < hashes.length; i++) {
			String accessState = changes.get(i).accessState();
			if (accessState != null) {
				hashes[i] = ByteBuffer.wrap(sha256.digest(accessState.getBytes(StandardCharsets.UTF_8))).getLong();
			}
		}
		return hashes;
	}

	/**
	 * One statement reads the entries and the purge horizon, so they come from one
	 * snapshot, in one round trip.
	 */
	@Override
	public Changes changesAfter(String type, long afterSeq) {
		long[] purgedSeq = { 0 };
		List<Entry> entries = new ArrayList<>();
		this.jdbc.query("SELECT k.purged_seq, c.object_id, c.seq, c.version, c.deleted, c.access_seq "
				+ "FROM entanglement_clock k LEFT JOIN entanglement_change c ON c.object_type = ? AND c.seq > ? "
				+ "WHERE k.id = 1 ORDER BY c.seq", (RowCallbackHandler) (rs) -> {
					purgedSeq[0] = rs.getLong(1);
					if (rs.getString(2) != null) {
						entries.add(entry(rs, 2));
					}
				}, type, afterSeq);
		return new Changes(afterSeq, entries, purgedSeq[0]);
	}

	@Override
	public List<Entry> changesSince(String type, long afterSeq) {
		return this.jdbc.query("SELECT object_id, seq, version, deleted, access_seq FROM entanglement_change "
				+ "WHERE object_type = ? AND seq > ? ORDER BY seq", (rs, row) -> entry(rs, 1), type, afterSeq);
	}

	/**
	 * The entry whose columns {@code object_id, seq, version, deleted, access_seq} start
	 * at a column of the current row.
	 */
	private static Entry entry(ResultSet rs, int first) throws SQLException {
		return new Entry(rs.getString(first), rs.getLong(first + 1), rs.getLong(first + 2), rs.getBoolean(first + 3),
				rs.getLong(first + 4));
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
