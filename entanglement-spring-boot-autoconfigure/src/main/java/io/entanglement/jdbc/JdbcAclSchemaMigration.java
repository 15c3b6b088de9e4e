package io.entanglement.jdbc;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

import org.springframework.beans.factory.InitializingBean;

/**
 * Creates the Spring Security ACL tables with Flyway, in a schema history table of their
 * own so the application's migrations are not disturbed.
 *
 * @author Entanglement
 */
public final class JdbcAclSchemaMigration implements InitializingBean {

	private final DataSource dataSource;

	private final JdbcAclSchema schema;

	private final String historyTable;

	/**
	 * Create a migration.
	 * @param dataSource the application's data source
	 * @param schema the tables for the application's database
	 * @param historyTable the Flyway history table for these migrations
	 */
	public JdbcAclSchemaMigration(DataSource dataSource, JdbcAclSchema schema, String historyTable) {
		this.dataSource = dataSource;
		this.schema = schema;
		this.historyTable = historyTable;
	}

	@Override
	public void afterPropertiesSet() {
		Flyway.configure(getClass().getClassLoader())
			.dataSource(this.dataSource)
			.locations(this.schema.location())
			.table(this.historyTable)
			.baselineOnMigrate(true)
			.baselineVersion("0")
			.load()
			.migrate();
	}

}
