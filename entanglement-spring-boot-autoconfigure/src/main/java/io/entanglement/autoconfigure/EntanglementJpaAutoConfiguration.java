package io.entanglement.autoconfigure;

import io.entanglement.engine.ChangeLog;
import io.entanglement.engine.SyncManager;
import io.entanglement.jpa.EntangledRepositoryPostProcessor;
import io.entanglement.jpa.JpaChangeCapture;
import jakarta.persistence.EntityManagerFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.data.repository.core.support.RepositoryFactoryInformation;

/**
 * Auto-configuration of commit-time capture for {@code @Entangled} Spring Data JPA
 * repositories on Hibernate.
 *
 * @author Entanglement
 */
@AutoConfiguration(after = EntanglementAutoConfiguration.class,
		afterName = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration")
@ConditionalOnBooleanProperty(name = "entanglement.enabled", matchIfMissing = true)
@ConditionalOnClass({ EntityManagerFactory.class, SessionFactoryImplementor.class, RepositoryFactoryInformation.class })
// On the class, not the capture bean: the listener the post processor installs needs the
// capture, or every entity write fails.
@ConditionalOnBean({ SyncManager.class, ChangeLog.class })
public final class EntanglementJpaAutoConfiguration {

	@Bean
	static EntangledRepositoryPostProcessor entangledRepositoryPostProcessor(ObjectProvider<JpaChangeCapture> capture) {
		return new EntangledRepositoryPostProcessor(capture);
	}

	@Bean
	@ConditionalOnMissingBean
	JpaChangeCapture jpaChangeCapture(EntangledRepositoryPostProcessor repositories, SyncManager syncManager,
			ChangeLog changeLog, EntanglementProperties properties, ObjectProvider<JsonMapper> jsonMapper) {
		repositories.types()
			.bind(syncManager::register, properties.getNodeId(), jsonMapper.getIfAvailable(JsonMapper::new));
		return new JpaChangeCapture(repositories.types(), syncManager, changeLog);
	}

}
