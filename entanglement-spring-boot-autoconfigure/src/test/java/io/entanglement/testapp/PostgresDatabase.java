package io.entanglement.testapp;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A database of its own on the PostgreSQL server of the tests (the embedded server, or
 * the one of the {@code external-postgres} profile): for the instances of one relay test,
 * or a test that needs tables nobody else writes.
 */
public final class PostgresDatabase {

	private static final String PREFIX = "jdbc:postgresql://";

	private final String name = "entanglement_scratch_" + System.currentTimeMillis() + "_"
			+ ProcessHandle.current().pid();

	private final String serverUrl = EmbeddedPostgres.url();

	public PostgresDatabase() {
		execute("CREATE DATABASE " + this.name);
	}

	public String url() {
		int path = this.serverUrl.indexOf('/', PREFIX.length());
		return this.serverUrl.substring(0, path) + "/" + this.name;
	}

	public String username() {
		return EmbeddedPostgres.username();
	}

	public void drop() {
		execute("DROP DATABASE IF EXISTS " + this.name + " WITH (FORCE)");
	}

	private void execute(String sql) {
		try (Connection connection = DriverManager.getConnection(this.serverUrl, username(), "");
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run '" + sql + "'", ex);
		}
	}

}
