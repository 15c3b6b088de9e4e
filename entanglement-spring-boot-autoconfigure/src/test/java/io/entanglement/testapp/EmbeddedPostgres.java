package io.entanglement.testapp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.util.StringUtils;

/**
 * The PostgreSQL server integration tests run against: the one named by
 * {@code ENTANGLEMENT_TEST_POSTGRES_URL} (or the system property
 * {@code entanglement.test.postgres-url}) if set, otherwise an embedded server started
 * once per JVM from binaries on the test class path.
 */
public final class EmbeddedPostgres {

	private static final String SCHEMA_PREFIX = "entanglement_test_";

	private static String url;

	private EmbeddedPostgres() {
	}

	public static synchronized String url() {
		if (url == null) {
			url = external();
			if (url == null) {
				url = start();
			}
		}
		return url;
	}

	public static String username() {
		return "postgres";
	}

	private static String external() {
		String configured = System.getProperty("entanglement.test.postgres-url");
		if (!StringUtils.hasText(configured)) {
			return null;
		}
		// A schema of its own per run, so runs against a shared server never see each
		// other.
		long now = System.currentTimeMillis();
		String schema = SCHEMA_PREFIX + now + "_" + ProcessHandle.current().pid();
		try (Connection connection = DriverManager.getConnection(configured, username(), "");
				Statement statement = connection.createStatement()) {
			dropSchemasOfEarlierRuns(statement, now - TimeUnit.HOURS.toMillis(1));
			statement.execute("CREATE SCHEMA " + schema);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not prepare PostgreSQL at " + configured, ex);
		}
		return configured + (configured.contains("?") ? "&" : "?") + "currentSchema=" + schema;
	}

	private static void dropSchemasOfEarlierRuns(Statement statement, long before) throws SQLException {
		List<String> stale = new ArrayList<>();
		try (ResultSet schemas = statement.executeQuery("SELECT schema_name FROM information_schema.schemata "
				+ "WHERE schema_name LIKE '" + SCHEMA_PREFIX + "%'")) {
			while (schemas.next()) {
				String name = schemas.getString(1);
				String[] parts = name.substring(SCHEMA_PREFIX.length()).split("_");
				if (parts.length == 2 && parts[0].matches("[0-9]+") && Long.parseLong(parts[0]) < before) {
					stale.add(name);
				}
			}
		}
		for (String name : stale) {
			statement.execute("DROP SCHEMA " + name + " CASCADE");
		}
	}

	private static String start() {
		try {
			io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres = io.zonky.test.db.postgres.embedded.EmbeddedPostgres
				.builder()
				.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					postgres.close();
				}
				catch (IOException ex) {
					// The JVM is ending; nothing to do.
				}
			}));
			return postgres.getJdbcUrl("postgres", "postgres");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start embedded PostgreSQL", ex);
		}
	}

}
