package com.example.meetup;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import jakarta.persistence.EntityManagerFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.stereotype.Component;

/**
 * Lets bean post-processors see the {@link EntityManagerFactory} only once.
 * <p>
 * Temporary workaround, to delete once Entanglement's own post-processor is idempotent:
 * Spring Framework 7 does not cache the object of a {@code SmartFactoryBean} such as
 * {@code LocalContainerEntityManagerFactoryBean}, so the same factory is post-processed
 * again at every lookup, and Entanglement's {@code EntangledRepositoryPostProcessor} then
 * registers its Hibernate event listeners twice, which Hibernate refuses ("Duplicate
 * event listener found").
 *
 * @author Entanglement
 */
@Component
final class EntityManagerFactoryPostProcessingGuard implements BeanPostProcessor, PriorityOrdered {

	private final Set<Object> processed = Collections
		.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

	@Override
	public @Nullable Object postProcessAfterInitialization(Object bean, String beanName) {
		// Returning null ends post-processing of a factory that was already processed.
		return (bean instanceof EntityManagerFactory && !this.processed.add(bean)) ? null : bean;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
