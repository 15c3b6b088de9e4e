package io.entanglement.jpa;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import io.entanglement.Entangled;
import jakarta.persistence.EntityManagerFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.event.service.spi.EventListenerRegistry;
import org.hibernate.event.spi.DeleteContext;
import org.hibernate.event.spi.DeleteEvent;
import org.hibernate.event.spi.DeleteEventListener;
import org.hibernate.event.spi.EventType;
import org.hibernate.event.spi.MergeContext;
import org.hibernate.event.spi.MergeEvent;
import org.hibernate.event.spi.MergeEventListener;
import org.hibernate.event.spi.PostDeleteEvent;
import org.hibernate.event.spi.PostDeleteEventListener;
import org.hibernate.event.spi.PostInsertEvent;
import org.hibernate.event.spi.PostInsertEventListener;
import org.hibernate.event.spi.PostUpdateEvent;
import org.hibernate.event.spi.PostUpdateEventListener;
import org.hibernate.persister.entity.EntityPersister;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.data.repository.core.RepositoryInformation;
import org.springframework.data.repository.core.support.RepositoryFactoryInformation;

/**
 * Finds {@link Entangled} repositories as they are created and installs the change
 * capture on the entity manager factory, so even changes made while the context starts
 * are captured.
 *
 * @author Entanglement
 */
public final class EntangledRepositoryPostProcessor implements BeanPostProcessor {

	private final JpaSyncTypes types = new JpaSyncTypes();

	private final ObjectProvider<JpaChangeCapture> capture;

	private final Set<SessionFactoryImplementor> sessionFactories = Collections.newSetFromMap(new IdentityHashMap<>());

	/**
	 * Create a post processor.
	 * @param capture the change capture, resolved at the first captured change
	 */
	public EntangledRepositoryPostProcessor(ObjectProvider<JpaChangeCapture> capture) {
		this.capture = capture;
	}

	/**
	 * The synchronized entity classes found so far.
	 * @return the types
	 */
	public JpaSyncTypes types() {
		return this.types;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof RepositoryFactoryInformation<?, ?> factory) {
			RepositoryInformation repository = factory.getRepositoryInformation();
			Entangled entangled = AnnotatedElementUtils.findMergedAnnotation(repository.getRepositoryInterface(),
					Entangled.class);
			if (entangled != null) {
				this.types.register(entangled, repository.getDomainType());
			}
		}
		if (bean instanceof EntityManagerFactory emf) {
			install(emf);
		}
		return bean;
	}

	private void install(EntityManagerFactory emf) {
		SessionFactoryImplementor sessionFactory = emf.unwrap(SessionFactoryImplementor.class);
		if (!this.sessionFactories.add(sessionFactory)) {
			return;
		}
		EventListenerRegistry listeners = sessionFactory.getServiceRegistry().getService(EventListenerRegistry.class);
		LazyCapture lazy = new LazyCapture(this.capture);
		listeners.appendListeners(EventType.POST_INSERT, lazy);
		listeners.appendListeners(EventType.POST_UPDATE, lazy);
		listeners.appendListeners(EventType.POST_DELETE, lazy);
		// Before Hibernate merges or removes an entity: writing a mirrored object fails
		// at the call that writes it, not later at the commit.
		listeners.prependListeners(EventType.MERGE, lazy);
		listeners.prependListeners(EventType.DELETE, lazy);
		this.types.entityManagerFactory(emf);
	}

	/**
	 * Resolves the capture bean at the first event, after the context has it.
	 */
	private static final class LazyCapture implements PostInsertEventListener, PostUpdateEventListener,
			PostDeleteEventListener, MergeEventListener, DeleteEventListener {

		private final ObjectProvider<JpaChangeCapture> provider;

		private volatile @Nullable JpaChangeCapture capture;

		LazyCapture(ObjectProvider<JpaChangeCapture> provider) {
			this.provider = provider;
		}

		private JpaChangeCapture capture() {
			JpaChangeCapture current = this.capture;
			if (current == null) {
				current = this.provider.getObject();
				this.capture = current;
			}
			return current;
		}

		@Override
		public void onPostInsert(PostInsertEvent event) {
			capture().onPostInsert(event);
		}

		@Override
		public void onPostUpdate(PostUpdateEvent event) {
			capture().onPostUpdate(event);
		}

		@Override
		public void onPostDelete(PostDeleteEvent event) {
			capture().onPostDelete(event);
		}

		@Override
		public void onMerge(MergeEvent event) {
			capture().checkWrite(event.getOriginal());
		}

		@Override
		public void onMerge(MergeEvent event, MergeContext copiedAlready) {
			capture().checkWrite(event.getOriginal());
		}

		@Override
		public void onDelete(DeleteEvent event) {
			capture().checkWrite(event.getObject());
		}

		@Override
		public void onDelete(DeleteEvent event, DeleteContext transientEntities) {
			capture().checkWrite(event.getObject());
		}

		@Override
		public boolean requiresPostCommitHandling(EntityPersister persister) {
			return false;
		}

	}

}
