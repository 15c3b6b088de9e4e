package io.entanglement.autoconfigure;

import javax.sql.DataSource;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;

import io.entanglement.AccessChanges;
import io.entanglement.MandatoryAccessControl;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncStore;
import io.entanglement.SyncViewer;
import io.entanglement.engine.CompositeSyncPolicy;
import io.entanglement.engine.ChangeEncoder;
import io.entanglement.engine.ChangeLog;
import io.entanglement.engine.LabelAccessControl;
import io.entanglement.engine.PeerState;
import io.entanglement.engine.SyncManager;
import io.entanglement.engine.SyncSettings;
import io.entanglement.jdbc.JdbcAccessChanges;
import io.entanglement.jdbc.JdbcChangeLog;
import io.entanglement.jdbc.JdbcPeerState;
import io.entanglement.jdbc.JdbcChangeLogMigration;
import io.entanglement.security.SpringSecurityAuthorities;
import org.flywaydb.core.Flyway;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.Authentication;

/**
 * Auto-configuration of the {@link SyncManager}, its policy and its change log.
 *
 * @author Entanglement
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "entanglement.enabled", matchIfMissing = true)
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(EntanglementProperties.class)
public final class EntanglementAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ChangeLog changeLog(DataSource dataSource, ObjectProvider<JdbcChangeLogMigration> migration) {
		// Depending on the migration makes the tables exist before anything reads them.
		migration.ifAvailable((m) -> {
		});
		return new JdbcChangeLog(dataSource);
	}

	@Bean
	@ConditionalOnMissingBean
	PeerState peerState(DataSource dataSource, ObjectProvider<JdbcChangeLogMigration> migration) {
		migration.ifAvailable((m) -> {
		});
		return new JdbcPeerState(dataSource);
	}

	@Bean
	@ConditionalOnMissingBean
	SyncManager syncManager(ObjectProvider<SyncPolicy> policies, MandatoryAccessControl mandatoryAccessControl,
			ChangeLog changeLog, ObjectProvider<JsonMapper> jsonMapper, EntanglementProperties properties,
			ObjectProvider<PeerState> peerState) {
		EntanglementProperties.Session session = properties.getSession();
		SyncSettings settings = new SyncSettings(session.getFlushInterval(), session.getMaxBytesPerSecond().toBytes(),
				session.getMaxPending(), (int) session.getMaxWriteSize().toBytes(),
				properties.getTombstones().getRetention(), properties.getNodeId(),
				properties.getProposals().getTimeout(), properties.getTransitions().getTtl(),
				properties.getTransitions().getMaxRate(), session.getMaxWritesPerSecond(),
				session.getMaxCoalesceDelay(), properties.getEncodings().getKeptPerType());
		ChangeEncoder encoder = new ChangeEncoder(jsonMapper.getIfAvailable(JsonMapper::new),
				properties.getSession().isDeltaEncoding());
		// Mandatory access control first, then every policy in order; none overrides
		// another.
		SyncPolicy policy = new CompositeSyncPolicy(policies.orderedStream().toList());
		SyncManager manager = new SyncManager(policy, mandatoryAccessControl, changeLog, encoder, settings);
		peerState.ifAvailable(manager::peerState);
		return manager;
	}

	/**
	 * Every {@link SyncStore} bean (ephemeral stores, application stores) is registered
	 * under its type name once all singletons exist.
	 */
	@Bean
	SmartInitializingSingleton entanglementStoreRegistrar(ObjectProvider<SyncStore> stores, SyncManager syncManager) {
		return () -> stores.orderedStream().forEach(syncManager::register);
	}

	@Bean
	@ConditionalOnMissingBean
	AccessChanges accessChanges(DataSource dataSource, ChangeLog changeLog, SyncManager syncManager) {
		return new JdbcAccessChanges(dataSource, changeLog, syncManager);
	}

	@Bean
	@ConditionalOnMissingBean
	MandatoryAccessControl mandatoryAccessControl(EntanglementProperties properties,
			ObjectProvider<ViewerAuthorities> authorities) {
		EntanglementProperties.Security security = properties.getSecurity();
		ViewerAuthorities viewerAuthorities = authorities.getIfAvailable(() -> (viewer) -> List.of());
		return new LabelAccessControl(security.getLevels(), security.getClearances(), viewerAuthorities);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Authentication.class)
	static class SpringSecurityAuthoritiesConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ViewerAuthorities viewerAuthorities() {
			SpringSecurityAuthorities authorities = new SpringSecurityAuthorities();
			return authorities::apply;
		}

	}

	/**
	 * The authorities of a viewer, from which its clearance is derived.
	 */
	@FunctionalInterface
	interface ViewerAuthorities extends Function<SyncViewer, Collection<String>> {

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Flyway.class)
	@ConditionalOnBooleanProperty(name = "entanglement.schema.migrate", matchIfMissing = true)
	static class ChangeLogMigrationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JdbcChangeLogMigration entanglementChangeLogMigration(DataSource dataSource,
				EntanglementProperties properties) {
			return new JdbcChangeLogMigration(dataSource, properties.getSchema().getHistoryTable());
		}

	}

}
