package io.entanglement.jdbc;

import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * {@link JdbcChangeLog} on H2.
 */
class H2JdbcChangeLogIntegrationTests extends AbstractJdbcChangeLogIntegrationTests {

	private final DataSource dataSource = new SimpleDriverDataSource(new org.h2.Driver(),
			"jdbc:h2:mem:change-log-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");

	@Override
	DataSource dataSource() {
		return this.dataSource;
	}

}
