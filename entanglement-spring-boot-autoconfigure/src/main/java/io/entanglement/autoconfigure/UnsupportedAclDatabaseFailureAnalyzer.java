package io.entanglement.autoconfigure;

import io.entanglement.jdbc.JdbcAclSchema;
import io.entanglement.jdbc.UnsupportedAclDatabaseException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains what to do when Entanglement has no access control list tables for the
 * database.
 *
 * @author Entanglement
 */
class UnsupportedAclDatabaseFailureAnalyzer extends AbstractFailureAnalyzer<UnsupportedAclDatabaseException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnsupportedAclDatabaseException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Define a MutableAclService bean of your own, or create the Spring Security ACL tables yourself (after "
						+ "the scripts in " + JdbcAclSchema.LOCATION + "), set "
						+ "'entanglement.security.acl.migrate' to false and define a JdbcAclSchema bean with your "
						+ "database's identity queries. Or leave 'entanglement.security.acl.types' empty to do "
						+ "without access control lists.",
				cause);
	}

}
