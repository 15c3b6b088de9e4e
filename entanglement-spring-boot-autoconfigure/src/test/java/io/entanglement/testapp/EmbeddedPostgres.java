package io.entanglement.testapp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.springframework.util.StringUtils;

/**
 * The PostgreSQL server integration tests run against: the one named by
 * {@code ENTANGLEMENT_TEST_POSTGRES_URL} (or the system property
 * {@code entanglement.test.postgres-url}) if set, otherwise an embedded server started
 * once per JVM from binaries on the test class path.
 */
public final class EmbeddedPostgres {

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
		String schema = "entanglement_test_" + ProcessHandle.current().pid() + "_" + System.currentTimeMillis();
		try (Connection connection = DriverManager.getConnection(configured, username(), "");
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE SCHEMA " + schema);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not prepare PostgreSQL at " + configured, ex);
		}
		return configured + (configured.contains("?") ? "&" : "?") + "currentSchema=" + schema;
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
