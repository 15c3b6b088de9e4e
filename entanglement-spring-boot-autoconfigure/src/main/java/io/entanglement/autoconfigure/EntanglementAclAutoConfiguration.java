package io.entanglement.autoconfigure;

import java.util.function.Supplier;

import javax.sql.DataSource;

import io.entanglement.AccessChanges;
import io.entanglement.engine.SyncManager;
import io.entanglement.jdbc.JdbcAclSchema;
import io.entanglement.jdbc.JdbcAclSchemaMigration;
import io.entanglement.security.AclChangeTracker;
import io.entanglement.security.AclObjectIdentities;
import io.entanglement.security.AclSyncPolicy;
import io.entanglement.security.EntanglementAcl;
import io.entanglement.security.TrackedAclCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.flywaydb.core.Flyway;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.cache.Cache;
import org.springframework.cache.caffeine.CaffeineCache;
import org.springframework.cache.concurrent.ConcurrentMapCache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.acls.domain.AclAuthorizationStrategy;
import org.springframework.security.acls.domain.AclAuthorizationStrategyImpl;
import org.springframework.security.acls.domain.ConsoleAuditLogger;
import org.springframework.security.acls.domain.DefaultPermissionGrantingStrategy;
import org.springframework.security.acls.domain.SidRetrievalStrategyImpl;
import org.springframework.security.acls.domain.SpringCacheBasedAclCache;
import org.springframework.security.acls.jdbc.BasicLookupStrategy;
import org.springframework.security.acls.jdbc.JdbcMutableAclService;
import org.springframework.security.acls.model.AclCache;
import org.springframework.security.acls.model.MutableAclService;
import org.springframework.security.acls.model.PermissionGrantingStrategy;
import org.springframework.security.acls.model.SidRetrievalStrategy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.ClassUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Auto-configuration of Spring Security access control lists for the types listed in
 * {@code entanglement.security.acl.types}: the {@link AclSyncPolicy}, the
 * {@link EntanglementAcl} that grants and revokes live, and, unless the application
 * defines its own {@link MutableAclService}, a {@link JdbcMutableAclService} on tables
 * that Entanglement creates.
 *
 * @author Entanglement
 */
@AutoConfiguration(after = EntanglementAutoConfiguration.class,
		afterName = { "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
				"org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "entanglement.enabled", matchIfMissing = true)
@ConditionalOnClass(JdbcMutableAclService.class)
@ConditionalOnBean({ SyncManager.class, AccessChanges.class })
@ConditionalOnSingleCandidate(DataSource.class)
@Conditional(OnAclTypesCondition.class)
public final class EntanglementAclAutoConfiguration {

	private static final boolean CAFFEINE_PRESENT = ClassUtils.isPresent("com.github.benmanes.caffeine.cache.Caffeine",
			null) && ClassUtils.isPresent("org.springframework.cache.caffeine.CaffeineCache", null);

	@Bean
	@ConditionalOnMissingBean
	AclChangeTracker aclChangeTracker() {
		return new AclChangeTracker();
	}

	@Bean
	@ConditionalOnMissingBean
	PermissionGrantingStrategy aclPermissionGrantingStrategy() {
		return new DefaultPermissionGrantingStrategy(new ConsoleAuditLogger());
	}

	@Bean
	@ConditionalOnMissingBean
	SidRetrievalStrategy aclSidRetrievalStrategy(ObjectProvider<RoleHierarchy> roleHierarchy) {
		RoleHierarchy hierarchy = roleHierarchy.getIfUnique();
		return (hierarchy != null) ? new SidRetrievalStrategyImpl(hierarchy) : new SidRetrievalStrategyImpl();
	}

	@Bean
	@ConditionalOnMissingBean
	AclAuthorizationStrategy aclAuthorizationStrategy(EntanglementProperties properties,
			SidRetrievalStrategy sidRetrievalStrategy, ObjectProvider<RoleHierarchy> roleHierarchy) {
		AclAuthorizationStrategyImpl strategy = new AclAuthorizationStrategyImpl(
				new SimpleGrantedAuthority(properties.getSecurity().getAcl().getAdminAuthority()));
		strategy.setSidRetrievalStrategy(sidRetrievalStrategy);
		roleHierarchy.ifUnique(strategy::setRoleHierarchy);
		return strategy;
	}

	@Bean
	@ConditionalOnMissingBean
	AclCache aclCache(AclChangeTracker tracker, PermissionGrantingStrategy permissionGrantingStrategy,
			AclAuthorizationStrategy aclAuthorizationStrategy, EntanglementProperties properties) {
		// Each list is cached under its object identity and its key.
		Cache cache = cache("entanglement-acl", 2 * properties.getSecurity().getAcl().getCacheSize());
		return new TrackedAclCache(
				new SpringCacheBasedAclCache(cache, permissionGrantingStrategy, aclAuthorizationStrategy), tracker);
	}

	@Bean
	@ConditionalOnMissingBean
	AclObjectIdentities aclObjectIdentities(ObjectProvider<SyncManager> syncManager) {
		// Resolved late (the sync manager asks the policy, which asks for stores) and
		// once.
		Supplier<SyncManager> manager = SingletonSupplier.of(syncManager::getObject);
		return new AclObjectIdentities((type) -> manager.get().store(type));
	}

	@Bean
	@ConditionalOnMissingBean
	AclSyncPolicy aclSyncPolicy(MutableAclService aclService, AclObjectIdentities identities,
			SidRetrievalStrategy sidRetrievalStrategy, AclChangeTracker tracker, EntanglementProperties properties) {
		EntanglementProperties.Security.Acl acl = properties.getSecurity().getAcl();
		return new AclSyncPolicy(aclService, identities, sidRetrievalStrategy, tracker,
				cache("entanglement-acl-decisions", acl.getCacheSize()), acl.getTypes());
	}

	@Bean
	@ConditionalOnMissingBean
	EntanglementAcl entanglementAcl(MutableAclService aclService, AclObjectIdentities identities, AclSyncPolicy policy,
			AclChangeTracker tracker, AclCache aclCache, AccessChanges accessChanges,
			AclAuthorizationStrategy aclAuthorizationStrategy, PermissionGrantingStrategy permissionGrantingStrategy,
			ObjectProvider<PlatformTransactionManager> transactionManager, DataSource dataSource,
			EntanglementProperties properties) {
		PlatformTransactionManager transactions = transactionManager
			.getIfUnique(() -> new DataSourceTransactionManager(dataSource));
		// Entanglement's tables: a list is locked while it changes.
		JdbcTemplate jdbc = (aclService instanceof JdbcMutableAclService) ? new JdbcTemplate(dataSource) : null;
		return new EntanglementAcl(aclService, identities, policy, tracker, aclCache, accessChanges,
				aclAuthorizationStrategy, permissionGrantingStrategy, transactions, jdbc, properties.getNodeId(),
				properties.getSecurity().getAcl().getAdminAuthority());
	}

	private static Cache cache(String name, int size) {
		return CAFFEINE_PRESENT ? CaffeineCaches.create(name, size) : new ConcurrentMapCache(name);
	}

	/**
	 * Bounded caches; a class of its own so that Caffeine is only loaded where present.
	 */
	private static final class CaffeineCaches {

		static Cache create(String name, int size) {
			return new CaffeineCache(name, Caffeine.newBuilder().maximumSize(size).build());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(MutableAclService.class)
	static class JdbcAclServiceConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JdbcAclSchema entanglementAclSchema(DataSource dataSource) {
			return JdbcAclSchema.of(dataSource);
		}

		@Bean
		JdbcMutableAclService aclService(DataSource dataSource, JdbcAclSchema schema, AclCache aclCache,
				AclAuthorizationStrategy aclAuthorizationStrategy,
				PermissionGrantingStrategy permissionGrantingStrategy,
				ObjectProvider<JdbcAclSchemaMigration> migration) {
			// Depending on the migration makes the tables exist before anything reads
			// them.
			migration.ifAvailable((m) -> {
			});
			BasicLookupStrategy lookupStrategy = new BasicLookupStrategy(dataSource, aclCache, aclAuthorizationStrategy,
					permissionGrantingStrategy);
			// Object ids are entity ids (UUID, Long, String...), typed by class_id_type.
			lookupStrategy.setAclClassIdSupported(true);
			lookupStrategy.setConversionService(DefaultConversionService.getSharedInstance());
			JdbcMutableAclService service = new JdbcMutableAclService(dataSource, lookupStrategy, aclCache);
			service.setAclClassIdSupported(true);
			service.setConversionService(DefaultConversionService.getSharedInstance());
			service.setClassIdentityQuery(schema.classIdentityQuery());
			service.setSidIdentityQuery(schema.sidIdentityQuery());
			return service;
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(Flyway.class)
		@ConditionalOnBooleanProperty(name = "entanglement.security.acl.migrate", matchIfMissing = true)
		static class AclSchemaMigrationConfiguration {

			@Bean
			@ConditionalOnMissingBean
			JdbcAclSchemaMigration entanglementAclSchemaMigration(DataSource dataSource, JdbcAclSchema schema,
					EntanglementProperties properties) {
				return new JdbcAclSchemaMigration(dataSource, schema,
						properties.getSecurity().getAcl().getHistoryTable());
			}

		}

	}

}
