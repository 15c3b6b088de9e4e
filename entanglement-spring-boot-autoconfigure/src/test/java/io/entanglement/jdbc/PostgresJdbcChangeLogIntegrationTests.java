package io.entanglement.jdbc;

import javax.sql.DataSource;

import io.entanglement.testapp.PostgresDatabase;
import org.junit.jupiter.api.AfterEach;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * {@link JdbcChangeLog} on PostgreSQL, in a database of its own per test.
 */
class PostgresJdbcChangeLogIntegrationTests extends AbstractJdbcChangeLogIntegrationTests {

	private final PostgresDatabase database = new PostgresDatabase();

	private final DataSource dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), this.database.url(),
			this.database.username(), "");

	@Override
	DataSource dataSource() {
		return this.dataSource;
	}

	@AfterEach
	void drop() {
		this.database.drop();
	}

}
