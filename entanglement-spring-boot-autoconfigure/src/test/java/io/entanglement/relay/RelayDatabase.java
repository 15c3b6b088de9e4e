package io.entanglement.relay;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import io.entanglement.testapp.EmbeddedPostgres;

/**
 * A database of its own on the PostgreSQL server of the tests, shared by the instances of
 * one relay test: the embedded server, or the one of the {@code external-postgres}
 * profile.
 */
final class RelayDatabase {

	private static final String PREFIX = "jdbc:postgresql://";

	private final String name = "entanglement_relay_" + System.currentTimeMillis() + "_"
			+ ProcessHandle.current().pid();

	private final String serverUrl = EmbeddedPostgres.url();

	RelayDatabase() {
		execute("CREATE DATABASE " + this.name);
	}

	String url() {
		int path = this.serverUrl.indexOf('/', PREFIX.length());
		return this.serverUrl.substring(0, path) + "/" + this.name;
	}

	String username() {
		return EmbeddedPostgres.username();
	}

	void drop() {
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
