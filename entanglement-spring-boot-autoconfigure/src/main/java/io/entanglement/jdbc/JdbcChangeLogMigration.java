package io.entanglement.jdbc;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

import org.springframework.beans.factory.InitializingBean;

/**
 * Creates and migrates the change log tables with Flyway, in a schema history table of
 * their own so the application's migrations are not disturbed.
 *
 * @author Entanglement
 */
public final class JdbcChangeLogMigration implements InitializingBean {

	/** Where the change log migrations are. */
	public static final String LOCATION = "classpath:io/entanglement/db/migration";

	private final DataSource dataSource;

	private final String historyTable;

	/**
	 * Create a migration.
	 * @param dataSource the application's data source
	 * @param historyTable the Flyway history table for these migrations
	 */
	public JdbcChangeLogMigration(DataSource dataSource, String historyTable) {
		this.dataSource = dataSource;
		this.historyTable = historyTable;
	}

	@Override
	public void afterPropertiesSet() {
		Flyway.configure(getClass().getClassLoader())
			.dataSource(this.dataSource)
			.locations(LOCATION)
			.table(this.historyTable)
			.baselineOnMigrate(true)
			.baselineVersion("0")
			.load()
			.migrate();
	}

}
