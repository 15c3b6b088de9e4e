package io.entanglement.autoconfigure;

import javax.sql.DataSource;

import io.entanglement.SyncPolicy;
import io.entanglement.jdbc.JdbcAclSchema;
import io.entanglement.jdbc.JdbcAclSchemaMigration;
import io.entanglement.jdbc.UnsupportedAclDatabaseException;
import io.entanglement.security.AclSyncPolicy;
import io.entanglement.security.EntanglementAcl;
import io.entanglement.security.TrackedAclCache;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.security.acls.domain.AclAuthorizationStrategy;
import org.springframework.security.acls.domain.AclImpl;
import org.springframework.security.acls.domain.ConsoleAuditLogger;
import org.springframework.security.acls.domain.DefaultPermissionGrantingStrategy;
import org.springframework.security.acls.domain.ObjectIdentityImpl;
import org.springframework.security.acls.domain.PrincipalSid;
import org.springframework.security.acls.jdbc.JdbcMutableAclService;
import org.springframework.security.acls.model.AclCache;
import org.springframework.security.acls.model.MutableAclService;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link EntanglementAclAutoConfiguration}.
 *
 * @author Entanglement
 */
class EntanglementAclAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, EntanglementAutoConfiguration.class,
				EntanglementAclAutoConfiguration.class));

	@Test
	void withoutGovernedTypesNoAccessControlListIsUsed() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(AclSyncPolicy.class)
			.doesNotHaveBean(EntanglementAcl.class)
			.doesNotHaveBean(MutableAclService.class)
			.doesNotHaveBean(SyncPolicy.class));
	}

	@Test
	void governedTypesGetThePolicyTheHelperAndAJdbcAclServiceOnMigratedTables() {
		this.contextRunner.withPropertyValues("entanglement.security.acl.types=note,dossier").run((context) -> {
			assertThat(context).hasSingleBean(AclSyncPolicy.class)
				.hasSingleBean(EntanglementAcl.class)
				.hasSingleBean(JdbcAclSchemaMigration.class)
				.getBean(MutableAclService.class)
				.isInstanceOf(JdbcMutableAclService.class);
			assertThat(context).getBean(AclCache.class).isInstanceOf(TrackedAclCache.class);
			assertThat(context).getBean(JdbcAclSchema.class).isEqualTo(JdbcAclSchema.H2);
			AclSyncPolicy policy = context.getBean(AclSyncPolicy.class);
			assertThat(policy.appliesTo("note")).isTrue();
			assertThat(policy.appliesTo("dossier")).isTrue();
			assertThat(policy.appliesTo("marker")).isFalse();
			for (String table : new String[] { "acl_sid", "acl_class", "acl_object_identity", "acl_entry" }) {
				assertThat(rows(context, table)).as(table).isZero();
			}
			assertThat(rows(context, "\"entanglement_acl_schema_history\"")).isPositive();
		});
	}

	@Test
	void typesMayBeGivenAsAnIndexedList() {
		this.contextRunner.withPropertyValues("entanglement.security.acl.types[0]=note")
			.run((context) -> assertThat(context).hasSingleBean(AclSyncPolicy.class));
	}

	@Test
	void theAclServiceCreatesListsOnTheMigratedTables() {
		this.contextRunner.withPropertyValues("entanglement.security.acl.types=note").run((context) -> {
			MutableAclService aclService = context.getBean(MutableAclService.class);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			TransactionTemplate transactions = new TransactionTemplate(
					new DataSourceTransactionManager(context.getBean(DataSource.class)));
			SecurityContextHolder.getContext()
				.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("root", null,
						AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
			try {
				transactions.executeWithoutResult((status) -> {
					aclService.createAcl(new ObjectIdentityImpl("com.example.Note", 1L));
					aclService.createAcl(new ObjectIdentityImpl("com.example.Note", 2L));
				});
			}
			finally {
				SecurityContextHolder.clearContext();
			}
			assertThat(jdbc.queryForList("SELECT id FROM acl_object_identity ORDER BY id", Long.class)).hasSize(2);
			assertThat(jdbc.queryForObject("SELECT class_id_type FROM acl_class", String.class))
				.isEqualTo("java.lang.Long");
		});
	}

	@Test
	void theAdministratorAuthorityIsConfigurable() {
		this.contextRunner
			.withPropertyValues("entanglement.security.acl.types=note",
					"entanglement.security.acl.admin-authority=ROLE_BOSS")
			.run((context) -> {
				AclAuthorizationStrategy strategy = context.getBean(AclAuthorizationStrategy.class);
				AclImpl acl = new AclImpl(new ObjectIdentityImpl("com.example.Note", 1L), 1L, strategy,
						new DefaultPermissionGrantingStrategy(new ConsoleAuditLogger()), null, null, true,
						new PrincipalSid("someone"));
				try {
					actAs("ROLE_BOSS");
					assertThatNoException()
						.isThrownBy(() -> strategy.securityCheck(acl, AclAuthorizationStrategy.CHANGE_GENERAL));
					actAs("ROLE_ADMIN");
					assertThat(
							catchThrowable(() -> strategy.securityCheck(acl, AclAuthorizationStrategy.CHANGE_GENERAL)))
						.isNotNull();
				}
				finally {
					SecurityContextHolder.clearContext();
				}
			});
	}

	@Test
	void backsOffFromTheAclServiceWhenTheApplicationDefinesOne() {
		this.contextRunner.withPropertyValues("entanglement.security.acl.types=note")
			.withUserConfiguration(AclServiceConfiguration.class)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(JdbcMutableAclService.class)
					.doesNotHaveBean(JdbcAclSchema.class)
					.doesNotHaveBean(JdbcAclSchemaMigration.class)
					.hasSingleBean(AclSyncPolicy.class)
					.hasSingleBean(EntanglementAcl.class);
				assertThat(context.getBean(MutableAclService.class))
					.isSameAs(context.getBean(AclServiceConfiguration.class).aclService);
			});
	}

	@Test
	void migrationCanBeSwitchedOff() {
		this.contextRunner
			.withPropertyValues("entanglement.security.acl.types=note", "entanglement.security.acl.migrate=false")
			.run((context) -> {
				assertThat(context).hasSingleBean(JdbcMutableAclService.class)
					.doesNotHaveBean(JdbcAclSchemaMigration.class);
				assertThat(new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
						"SELECT COUNT(*) FROM information_schema.tables WHERE LOWER(table_name) = 'acl_entry'",
						Integer.class))
					.isZero();
			});
	}

	@Test
	void theHistoryTableIsConfigurable() {
		this.contextRunner
			.withPropertyValues("entanglement.security.acl.types=note",
					"entanglement.security.acl.history-table=acl_history")
			.run((context) -> assertThat(rows(context, "\"acl_history\"")).isPositive());
	}

	@Test
	void withoutSpringSecurityAclNothingIsConfigured() {
		this.contextRunner.withPropertyValues("entanglement.security.acl.types=note")
			.withClassLoader(new FilteredClassLoader(JdbcMutableAclService.class))
			.run((context) -> assertThat(context).doesNotHaveBean(AclSyncPolicy.class)
				.doesNotHaveBean(EntanglementAcl.class));
	}

	@Test
	void switchedOffWithEntanglement() {
		this.contextRunner.withPropertyValues("entanglement.security.acl.types=note", "entanglement.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(AclSyncPolicy.class)
				.doesNotHaveBean(MutableAclService.class));
	}

	@Test
	void onlyH2AndPostgresqlHaveTables() {
		assertThat(JdbcAclSchema.forProduct("H2")).isEqualTo(JdbcAclSchema.H2);
		assertThat(JdbcAclSchema.forProduct("PostgreSQL")).isEqualTo(JdbcAclSchema.POSTGRESQL);
		assertThat(JdbcAclSchema.POSTGRESQL.location()).isEqualTo("classpath:io/entanglement/db/acl/postgresql");
		assertThatIllegalStateException().isThrownBy(() -> JdbcAclSchema.forProduct("Oracle"))
			.isInstanceOf(UnsupportedAclDatabaseException.class)
			.withMessageContaining("Oracle");
	}

	@Test
	void anUnsupportedDatabaseIsExplained() {
		FailureAnalysis analysis = new UnsupportedAclDatabaseFailureAnalyzer()
			.analyze(new UnsupportedAclDatabaseException("Oracle"));
		assertThat(analysis.getDescription()).contains("Oracle", "H2 and PostgreSQL");
		assertThat(analysis.getAction()).contains("MutableAclService", "entanglement.security.acl.migrate",
				"JdbcAclSchema", "entanglement.security.acl.types");
	}

	private static int rows(AssertableApplicationContext context, String table) {
		Integer count = new JdbcTemplate(context.getBean(DataSource.class))
			.queryForObject("SELECT COUNT(*) FROM " + table, Integer.class);
		return (count != null) ? count : -1;
	}

	private static void actAs(String authority) {
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("user", null,
					AuthorityUtils.createAuthorityList(authority)));
	}

	@Configuration(proxyBeanMethods = false)
	static class AclServiceConfiguration {

		final MutableAclService aclService = mock(MutableAclService.class);

		@Bean
		MutableAclService aclService() {
			return this.aclService;
		}

	}

}
