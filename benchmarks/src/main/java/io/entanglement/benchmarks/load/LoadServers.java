package io.entanglement.benchmarks.load;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.SpringApplication;

/**
 * Starts one of the harness's servers with the settings both share (H2 in memory, the
 * schema created from the entity, little logging); command-line arguments override them.
 *
 * @author Entanglement
 */
public final class LoadServers {

	private LoadServers() {
	}

	/**
	 * Run an application class with the shared settings.
	 * @param application the {@code @SpringBootApplication} class
	 * @param properties settings of that server
	 * @param args the command line
	 */
	public static void run(Class<?> application, Map<String, Object> properties, String[] args) {
		SpringApplication app = new SpringApplication(application);
		Map<String, Object> defaults = new HashMap<>();
		defaults.put("spring.datasource.url", "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1");
		defaults.put("spring.jpa.hibernate.ddl-auto", "create");
		defaults.put("spring.jpa.open-in-view", "false");
		// A transaction editing several markers sends their updates in one JDBC batch.
		defaults.put("spring.jpa.properties.hibernate.jdbc.batch_size", "50");
		defaults.put("spring.jpa.properties.hibernate.order_updates", "true");
		defaults.put("spring.main.banner-mode", "off");
		defaults.put("logging.level.root", "warn");
		defaults.put("logging.level.io.entanglement.benchmarks", "info");
		defaults.put("bench.objects", "100");
		defaults.put("bench.groups", "1000");
		// P6 holds 10,000 sessions (Tomcat's default is 8,192 connections).
		defaults.put("server.tomcat.max-connections", "12000");
		defaults.putAll(properties);
		app.setDefaultProperties(defaults);
		app.run(args);
	}

}
