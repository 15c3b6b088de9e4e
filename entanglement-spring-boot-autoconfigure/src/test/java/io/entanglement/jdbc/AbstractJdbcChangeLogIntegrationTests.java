package io.entanglement.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.engine.ChangeLog;
import io.entanglement.engine.ChangeLog.Logged;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link JdbcChangeLog} on a real database: the number of the last change that
 * may have changed who sees each object, which catch-up relies on to leave out objects a
 * client could not see at its token. Subclasses pick the database.
 */
abstract class AbstractJdbcChangeLogIntegrationTests {

	private static final ObjectKey KEY = new ObjectKey("cursor", "a");

	private static final String HISTORY = "entanglement_schema_history";

	private JdbcChangeLog log;

	/**
	 * A database nobody else writes, empty.
	 * @return its data source
	 */
	abstract DataSource dataSource();

	@BeforeEach
	void migrate() {
		new JdbcChangeLogMigration(dataSource(), HISTORY).afterPropertiesSet();
		this.log = new JdbcChangeLog(dataSource());
	}

	@Test
	void anObjectCreatedAndChangedWithinItsAudienceKeepsTheNumberOfNone() throws SQLException {
		long created = append(upsert(0, "red"), "red", true);
		append(upsert(1, "red"), "red", false);
		assertThat(entry().seq()).isGreaterThan(created);
		assertThat(entry().accessSeq()).isZero();
	}

	@Test
	void theFirstRecordOfAnObjectThatExistedBeforeIsNumbered() throws SQLException {
		long first = append(upsert(4, "red"), "red", false);
		append(upsert(5, "red"), "red", false);
		assertThat(entry().accessSeq()).isEqualTo(first);
	}

	@Test
	void aChangeOfWhatThePolicyDecidesOnIsNumbered() throws SQLException {
		append(upsert(0, "red"), "red", true);
		long moved = append(upsert(1, "blue"), "blue", false);
		append(upsert(2, "blue"), "blue", false);
		assertThat(entry().accessSeq()).isEqualTo(moved);
		assertThat(entry().accessChangedAfter(moved - 1)).isTrue();
		assertThat(entry().accessChangedAfter(moved)).isFalse();
	}

	@Test
	void withoutAnAccessStateEveryChangeIsNumbered() throws SQLException {
		append(upsert(0, "red"), null, true);
		long changed = append(upsert(1, "red"), null, false);
		assertThat(entry().accessSeq()).isEqualTo(changed);
	}

	@Test
	void anAnnouncedAccessChangeIsNumbered() throws SQLException {
		append(upsert(0, "red"), "red", true);
		long touched = touch(Set.of());
		append(upsert(1, "red"), "red", false);
		assertThat(entry().seq()).isGreaterThan(touched);
		assertThat(entry().accessSeq()).isEqualTo(touched);
	}

	@Test
	void anAccessChangeThatOnlyWidensKeepsTheNumberOfTheLastOneThatMayHaveNarrowed() throws SQLException {
		append(upsert(0, "red"), "red", true);
		long widened = touch(Set.of(KEY));
		assertThat(entry().seq()).isEqualTo(widened);
		assertThat(entry().accessSeq()).isZero();
		long narrowed = touch(Set.of());
		touch(Set.of(KEY));
		assertThat(entry().accessSeq()).isEqualTo(narrowed);
	}

	@Test
	void wideningTheAccessToAnObjectNeverLoggedBeforeIsNumbered() throws SQLException {
		long widened = touch(Set.of(KEY));
		assertThat(entry().accessSeq()).isEqualTo(widened);
	}

	@Test
	void anObjectCreatedAgainAfterItsDeletionIsNumbered() throws SQLException {
		append(upsert(0, "red"), "red", true);
		append(SyncChange.delete(KEY, 1), null, false);
		long again = append(upsert(0, "red"), "red", true);
		assertThat(entry().deleted()).isFalse();
		assertThat(entry().accessSeq()).isEqualTo(again);
	}

	@Test
	void objectsLoggedBeforeTheMigrationCountTheirLastChangeAsAnAccessChange() throws SQLException {
		Flyway.configure(getClass().getClassLoader())
			.dataSource(dataSource())
			.cleanDisabled(false)
			.table(HISTORY)
			.load()
			.clean();
		Flyway.configure(getClass().getClassLoader())
			.dataSource(dataSource())
			.locations(JdbcChangeLogMigration.LOCATION)
			.table(HISTORY)
			.target("2")
			.load()
			.migrate();
		try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
			statement
				.execute("INSERT INTO entanglement_change (object_type, object_id, seq, version, deleted, changed_at) "
						+ "VALUES ('cursor', 'a', 7, 3, FALSE, CURRENT_TIMESTAMP)");
		}
		migrate();
		assertThat(entry().accessSeq()).isEqualTo(7);
	}

	@Test
	void catchUpReadsTheChangesWithThePurgeHorizonAndNothingBelowIt() throws SQLException {
		ObjectKey gone = new ObjectKey("cursor", "b");
		append(upsert(0, "red"), "red", true);
		long deleted = append(SyncChange.delete(gone, 2), null, false);
		long updated = append(upsert(1, "red"), "red", false);
		assertThat(ifComplete("cursor", 0)).extracting(ChangeLog.Entry::id, ChangeLog.Entry::seq)
			.containsExactly(tuple("b", deleted), tuple("a", updated));
		assertThat(ifComplete("cursor", updated)).isEmpty();
		assertThat(ifComplete("other", 0)).isEmpty();

		assertThat(this.log.purgeTombstones(Instant.now().plusSeconds(60))).isOne();
		assertThat(ifComplete("cursor", deleted - 1)).isNull();
		assertThat(ifComplete("cursor", deleted)).extracting(ChangeLog.Entry::id).containsExactly("a");
	}

	private long append(SyncChange change, @Nullable String accessState, boolean created) throws SQLException {
		try (Connection connection = dataSource().getConnection()) {
			return this.log.append(connection, List.of(new Logged(change, accessState, created)));
		}
	}

	private long touch(Set<ObjectKey> widenedOnly) throws SQLException {
		try (Connection connection = dataSource().getConnection()) {
			return this.log.touch(connection, List.of(KEY), widenedOnly);
		}
	}

	private ChangeLog.Entry entry() {
		return this.log.changesSince(KEY.type(), 0).get(0);
	}

	private static SyncChange upsert(long version, String team) {
		return SyncChange.upsert(KEY, "carol", version, Map.of("team", team));
	}

	/**
	 * What a client resuming after the number is caught up from, or null if it cannot be.
	 */
	private @Nullable List<ChangeLog.Entry> ifComplete(String type, long afterSeq) {
		return this.log.changesAfter(type, afterSeq).since(afterSeq);
	}

}
