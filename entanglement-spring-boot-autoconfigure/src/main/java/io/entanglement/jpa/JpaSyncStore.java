package io.entanglement.jpa;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import io.entanglement.SyncChange;
import io.entanglement.SyncStore;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

/**
 * {@link SyncStore} of one entity class: snapshots and catch-up read the current rows in
 * a read-only transaction of their own.
 *
 * @author Entanglement
 */
final class JpaSyncStore implements SyncStore {

	private static final int ID_BATCH = 500;

	private final JpaEntityModel model;

	private final EntityManagerFactory entityManagerFactory;

	private final Supplier<String> nodeId;

	JpaSyncStore(JpaEntityModel model, EntityManagerFactory entityManagerFactory, Supplier<String> nodeId) {
		this.model = model;
		this.entityManagerFactory = entityManagerFactory;
		this.nodeId = nodeId;
	}

	JpaEntityModel model() {
		return this.model;
	}

	@Override
	public String type() {
		return this.model.type();
	}

	@Override
	public List<SyncChange> snapshot() {
		return read((em) -> em.createQuery("select e from " + this.model.entityName() + " e", this.model.entityClass())
			.getResultList());
	}

	@Override
	public List<SyncChange> load(Collection<String> ids) {
		List<Object> parsed = ids.stream().map(this.model::parseId).toList();
		return read((em) -> {
			List<Object> entities = new ArrayList<>(parsed.size());
			for (int from = 0; from < parsed.size(); from += ID_BATCH) {
				List<Object> batch = parsed.subList(from, Math.min(parsed.size(), from + ID_BATCH));
				entities.addAll(em.createQuery(
						"select e from " + this.model.entityName() + " e where e." + this.model.idName() + " in :ids",
						this.model.entityClass())
					.setParameter("ids", batch)
					.getResultList());
			}
			return entities;
		});
	}

	private List<SyncChange> read(Function<EntityManager, List<?>> query) {
		EntityManager em = this.entityManagerFactory.createEntityManager();
		try {
			em.getTransaction().begin();
			try {
				return this.model.toChanges(query.apply(em), this.nodeId.get());
			}
			finally {
				em.getTransaction().rollback();
			}
		}
		finally {
			em.close();
		}
	}

}
