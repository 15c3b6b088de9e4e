package io.entanglement.autoconfigure;

import io.entanglement.engine.ChangeLogUnavailableException;
import io.entanglement.jdbc.JdbcChangeLogMigration;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a missing change log: which property or library creates its tables.
 *
 * @author Entanglement
 */
class ChangeLogUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<ChangeLogUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ChangeLogUnavailableException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Let Entanglement create its tables: keep 'entanglement.schema.migrate' true (the default) and put "
						+ "Flyway on the class path (org.flywaydb:flyway-core, plus the Flyway module of your database, "
						+ "such as flyway-database-postgresql). Or create the tables yourself from the scripts in "
						+ JdbcChangeLogMigration.LOCATION + ".",
				cause);
	}

}
