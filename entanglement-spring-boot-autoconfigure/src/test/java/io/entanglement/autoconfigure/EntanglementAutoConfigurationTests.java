package io.entanglement.autoconfigure;

import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.entanglement.AccessChanges;
import io.entanglement.SyncPolicy;
import io.entanglement.engine.ChangeEncoder;
import io.entanglement.engine.ChangeLog;
import io.entanglement.engine.SyncManager;
import io.entanglement.engine.SyncSettings;
import io.entanglement.jdbc.JdbcChangeLog;
import io.entanglement.jdbc.JdbcChangeLogMigration;
import io.entanglement.jpa.EntangledRepositoryPostProcessor;
import io.entanglement.jpa.JpaChangeCapture;
import io.entanglement.stomp.StompReplies;
import io.entanglement.stomp.StompSessionRegistry;
import io.entanglement.stomp.StompSubscriptionHandler;
import org.flywaydb.core.Flyway;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.mock;

/**
 * Tests for {@link EntanglementAutoConfiguration},
 * {@link EntanglementJpaAutoConfiguration} and
 * {@link EntanglementStompAutoConfiguration}.
 *
 * @author Entanglement
 */
class EntanglementAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
				EntanglementAutoConfiguration.class, EntanglementJpaAutoConfiguration.class,
				EntanglementStompAutoConfiguration.class));

	@Test
	void defaultsProvideTheEngineOnTheApplicationDataSource() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(SyncManager.class)
				.hasSingleBean(JdbcChangeLogMigration.class)
				.hasSingleBean(EntanglementProperties.class);
			assertThat(context).doesNotHaveBean(SyncPolicy.class).hasSingleBean(AccessChanges.class);
			assertThat(context).getBean(ChangeLog.class).isInstanceOf(JdbcChangeLog.class);
			assertThat(settings(context)).isEqualTo(new SyncSettings(Duration.ZERO, 0, 10_000, 32 * 1024,
					Duration.ofDays(7), "node", Duration.ofSeconds(10)));
		});
	}

	@Test
	void changeLogTablesAreMigratedBeforeTheChangeLogIsRead() {
		this.contextRunner.run((context) -> {
			ChangeLog changeLog = context.getBean(ChangeLog.class);
			assertThat(changeLog.currentSeq()).isZero();
			assertThat(changeLog.purgedSeq()).isZero();
			assertThat(changeLog.epoch()).matches("[0-9a-f]{16}").isEqualTo(changeLog.epoch());
			assertThat(tableExists(context, "entanglement_schema_history")).isTrue();
		});
	}

	@Test
	void schemaHistoryTableCanBeNamed() {
		this.contextRunner.withPropertyValues("entanglement.schema.history-table=sync_history")
			.run((context) -> assertThat(tableExists(context, "sync_history")).isTrue());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("sessionProperties")
	void propertyBindsIntoTheEngineSettings(String property, Function<SyncSettings, Object> setting, Object expected) {
		this.contextRunner.withPropertyValues(property)
			.run((context) -> assertThat(setting.apply(settings(context))).isEqualTo(expected));
	}

	static Stream<Arguments> sessionProperties() {
		return Stream.of(
				setting("entanglement.session.flush-interval=250ms", SyncSettings::flushInterval,
						Duration.ofMillis(250)),
				setting("entanglement.session.max-bytes-per-second=8KB", SyncSettings::maxBytesPerSecond, 8192L),
				setting("entanglement.session.max-pending=42", SyncSettings::maxPending, 42),
				setting("entanglement.session.max-write-size=16KB", SyncSettings::maxWriteBytes, 16384),
				setting("entanglement.session.max-writes-per-second=0", SyncSettings::maxWritesPerSecond, 0),
				setting("entanglement.session.max-coalesce-delay=20ms", SyncSettings::maxCoalesceDelay,
						Duration.ofMillis(20)),
				setting("entanglement.tombstones.retention=2d", SyncSettings::tombstoneRetention, Duration.ofDays(2)),
				setting("entanglement.encodings.kept-per-type=500", SyncSettings::keptPerType, 500));
	}

	private static Arguments setting(String property, Function<SyncSettings, Object> setting, Object expected) {
		return Arguments.of(property, setting, expected);
	}

	@Test
	void invalidSettingFailsTheStartupAndNamesTheSetting() {
		this.contextRunner.withPropertyValues("entanglement.session.max-pending=0")
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessage("'maxPending' must be positive"));
	}

	@Test
	void applicationPoliciesDecideBehindMandatoryAccessControl() {
		this.contextRunner.withUserConfiguration(PolicyConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SyncPolicy.class);
			// Mandatory access control always comes first; the application's policies
			// decide behind it, all of them.
			assertThat(context).getBean(SyncManager.class)
				.extracting("policy")
				.isInstanceOf(io.entanglement.engine.MandatoryAccessPolicy.class)
				.extracting("delegate")
				.isInstanceOf(io.entanglement.engine.CompositeSyncPolicy.class)
				.extracting("policies")
				.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
				.containsExactly(context.getBean("customPolicy"));
		});
	}

	@Test
	void backsOffWhenTheApplicationDefinesAChangeLog() {
		this.contextRunner.withUserConfiguration(ChangeLogConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ChangeLog.class).doesNotHaveBean(JdbcChangeLog.class);
			assertThat(context).getBean(SyncManager.class)
				.extracting("changeLog")
				.isSameAs(context.getBean("customChangeLog"));
		});
	}

	@Test
	void backsOffWhenTheApplicationDefinesASyncManager() {
		this.contextRunner.withUserConfiguration(SyncManagerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SyncManager.class);
			assertThat(context).getBean(SyncManager.class).isSameAs(context.getBean("customSyncManager"));
			assertThat(settings(context).maxPending()).isEqualTo(7);
		});
	}

	@Test
	void switchedOffByProperty() {
		this.contextRunner.withPropertyValues("entanglement.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(SyncManager.class)
				.doesNotHaveBean(SyncPolicy.class)
				.doesNotHaveBean(ChangeLog.class)
				.doesNotHaveBean(JdbcChangeLogMigration.class)
				.doesNotHaveBean(EntanglementProperties.class)
				.doesNotHaveBean(EntangledRepositoryPostProcessor.class)
				.doesNotHaveBean(JpaChangeCapture.class));
	}

	@Test
	void backsOffWithoutADataSource() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(EntanglementAutoConfiguration.class, EntanglementJpaAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(SyncManager.class)
				.doesNotHaveBean(EntangledRepositoryPostProcessor.class));
	}

	@Test
	void withoutFlywayNothingCreatesTheChangeLogAndStartupFailsWithAnExplanation() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Flyway.class)).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(Exception.class)
				.satisfies((failure) -> assertThat(failureAnalysis(failure)).contains("entanglement.schema.migrate")
					.contains("flyway-core"));
		});
	}

	@Test
	void migrationSwitchedOffNeedsTablesTheApplicationCreated() {
		this.contextRunner.withPropertyValues("entanglement.schema.migrate=false").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(failureAnalysis(context.getStartupFailure())).contains("create the tables yourself");
		});
		this.contextRunner.withPropertyValues("entanglement.schema.migrate=false")
			.withBean(DataSource.class,
					() -> new org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder()
						.setType(org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType.H2)
						.generateUniqueName(true)
						.addScript("classpath:io/entanglement/db/migration/V1__entanglement_change_log.sql")
						.build())
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(JdbcChangeLogMigration.class)
				.hasSingleBean(SyncManager.class));
	}

	private static String failureAnalysis(Throwable failure) {
		org.springframework.boot.diagnostics.FailureAnalysis analysis = new ChangeLogUnavailableFailureAnalyzer()
			.analyze(failure);
		assertThat(analysis).as("failure analysis of %s", failure).isNotNull();
		return analysis.getDescription() + " " + analysis.getAction();
	}

	@Test
	void usesTheApplicationJsonMapper() {
		this.contextRunner.run((context) -> assertThat(context).getBean(SyncManager.class)
			.extracting("encoder")
			.extracting("jsonMapper")
			.isSameAs(context.getBean(JsonMapper.class)));
	}

	@Test
	void capturesJpaChangesWithHibernate() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(HibernateJpaAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(JpaChangeCapture.class)
				.hasSingleBean(EntangledRepositoryPostProcessor.class));
	}

	@Test
	void noJpaCaptureWithoutHibernate() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(SessionFactoryImplementor.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(SyncManager.class)
				.doesNotHaveBean(JpaChangeCapture.class)
				.doesNotHaveBean(EntangledRepositoryPostProcessor.class));
	}

	@Test
	void noJpaCaptureWithoutTheEngine() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					HibernateJpaAutoConfiguration.class, EntanglementJpaAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(JpaChangeCapture.class)
				.doesNotHaveBean(EntangledRepositoryPostProcessor.class));
	}

	@Test
	void servesStompInAServletWebApplication() {
		webContextRunner().run((context) -> assertThat(context).hasSingleBean(StompSubscriptionHandler.class)
			.hasSingleBean(StompSessionRegistry.class)
			.hasSingleBean(StompReplies.class)
			.hasBean("entanglementStompConfigurer"));
	}

	@Test
	void noStompWithoutSpringWebSocket() {
		webContextRunner().withClassLoader(new FilteredClassLoader(WebSocketMessageBrokerConfigurer.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(SyncManager.class)
				.doesNotHaveBean(StompSubscriptionHandler.class)
				.doesNotHaveBean(StompSessionRegistry.class));
	}

	@Test
	void noStompOutsideAWebApplication() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(SyncManager.class)
			.doesNotHaveBean(StompSubscriptionHandler.class));
	}

	@Test
	void noStompWhenSwitchedOff() {
		webContextRunner().withPropertyValues("entanglement.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(StompSubscriptionHandler.class)
				.doesNotHaveBean(StompSessionRegistry.class));
	}

	private static WebApplicationContextRunner webContextRunner() {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
					EntanglementAutoConfiguration.class, EntanglementStompAutoConfiguration.class));
	}

	private static SyncSettings settings(AssertableApplicationContext context) {
		Object settings = ReflectionTestUtils.getField(context.getBean(SyncManager.class), "settings");
		assertThat(settings).isInstanceOf(SyncSettings.class);
		return (SyncSettings) settings;
	}

	private static boolean tableExists(AssertableApplicationContext context, String table) {
		Integer count = new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
				"SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE LOWER(TABLE_NAME) = ?", Integer.class, table);
		return count != null && count > 0;
	}

	@Configuration(proxyBeanMethods = false)
	static class PolicyConfiguration {

		@Bean
		SyncPolicy customPolicy() {
			return (viewer, change) -> false;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ChangeLogConfiguration {

		@Bean
		ChangeLog customChangeLog() {
			return mock(ChangeLog.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SyncManagerConfiguration {

		@Bean
		SyncManager customSyncManager(ChangeLog changeLog) {
			return new SyncManager((viewer, change) -> true, changeLog, new ChangeEncoder(JsonMapper.builder().build()),
					new SyncSettings(Duration.ZERO, 0, 7, 1024, Duration.ofDays(1), "node", Duration.ofSeconds(10)));
		}

	}

}
