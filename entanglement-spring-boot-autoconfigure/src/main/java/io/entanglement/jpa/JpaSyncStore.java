package io.entanglement.jpa;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import io.entanglement.ConflictException;
import io.entanglement.Entangled;
import io.entanglement.InvalidRequestException;
import io.entanglement.NotFoundException;
import io.entanglement.StoreWrite;
import io.entanglement.SyncChange;
import io.entanglement.SyncStore;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.RollbackException;
import org.hibernate.BatchSize;
import org.hibernate.Session;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link SyncStore} of one entity class: snapshots and catch-up read the current rows in
 * a read-only transaction of their own.
 *
 * @author Entanglement
 */
final class JpaSyncStore implements SyncStore {

	private static final int ID_BATCH = 500;

	/**
	 * Set while this store mirrors changes from a peer: the only writes of mirrored rows
	 * the change capture lets through.
	 */
	static final ThreadLocal<Boolean> mirroring = new ThreadLocal<>();

	private final JpaEntityModel model;

	private final EntityManagerFactory entityManagerFactory;

	private final Supplier<String> nodeId;

	private final Supplier<JsonMapper> jsonMapper;

	private final @Nullable Entangled options;

	private final Function<JpaEntityModel, Set<String>> parentTypes;

	JpaSyncStore(JpaEntityModel model, EntityManagerFactory entityManagerFactory, Supplier<String> nodeId,
			Supplier<JsonMapper> jsonMapper, @Nullable Entangled options,
			Function<JpaEntityModel, Set<String>> parentTypes) {
		this.options = options;
		this.parentTypes = parentTypes;
		this.model = model;
		this.entityManagerFactory = entityManagerFactory;
		this.nodeId = nodeId;
		this.jsonMapper = jsonMapper;
	}

	JpaEntityModel model() {
		return this.model;
	}

	@Override
	public String type() {
		return this.model.type();
	}

	@Override
	public boolean durable() {
		return true;
	}

	@Override
	public boolean coalesce() {
		return this.options == null || this.options.coalesce();
	}

	@Override
	public int priority() {
		return (this.options != null) ? this.options.priority() : 0;
	}

	@Override
	public Set<String> parentTypes() {
		return (this.options != null && this.options.parentsFirst()) ? this.parentTypes.apply(this.model) : Set.of();
	}

	@Override
	public String domainType() {
		return this.model.entityClass().getName();
	}

	@Override
	public Object identifier(String id) {
		try {
			return this.model.parseId(id);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRequestException("'" + id + "' is not an id of " + type());
		}
	}

	@Override
	public List<SyncChange> snapshot() {
		return read((em) -> em.createQuery("select e from " + this.model.entityName() + " e", this.model.entityClass())
			.getResultList());
	}

	@Override
	public List<SyncChange> load(Collection<String> ids) {
		List<Object> parsed = ids.stream().map(this.model::parseId).toList();
		// Hibernate's multi-load keeps one statement plan for any number of ids
		// where its dialect binds them as one array (PostgreSQL's does); a query
		// with an "in" list is planned again for each new length. H2's dialect
		// lists the ids, up to ID_BATCH a query, so there each new number of ids
		// is planned anew.
		return read((em) -> em.unwrap(Session.class)
			.findMultiple(this.model.entityClass(), parsed, new BatchSize(ID_BATCH))
			.stream()
			.filter(Objects::nonNull)
			.toList());
	}

	@Override
	public @Nullable SyncChange find(String id) {
		Object parsed;
		try {
			parsed = this.model.parseId(id);
		}
		catch (RuntimeException ex) {
			return null;
		}
		return read((em) -> {
			Object entity = em.find(this.model.entityClass(), parsed);
			return (entity != null) ? List.of(entity) : List.of();
		}).stream().findFirst().orElse(null);
	}

	@Override
	public Set<String> attributes() {
		return this.model.propertyNames();
	}

	@Override
	public @Nullable String labelAttribute() {
		return this.model.labelName();
	}

	@Override
	public SyncChange apply(StoreWrite write) {
		EntityManager em = this.entityManagerFactory.createEntityManager();
		try {
			EntityTransaction transaction = em.getTransaction();
			transaction.begin();
			try {
				SyncChange result = apply(em, write);
				// Committing publishes the change the way every commit is published.
				transaction.commit();
				return result;
			}
			catch (OptimisticLockException | RollbackException ex) {
				throw new ConflictException("The object changed while the proposal was applied",
						(write.id() != null) ? find(write.id()) : null);
			}
			finally {
				if (transaction.isActive()) {
					transaction.rollback();
				}
			}
		}
		finally {
			em.close();
		}
	}

	private SyncChange apply(EntityManager em, StoreWrite write) {
		Object entity;
		if (write.id() == null) {
			entity = this.model.instantiate();
			if (write.creator() != null) {
				this.model.setOwner(entity, write.creator());
			}
		}
		else {
			Object id;
			try {
				id = this.model.parseId(write.id());
			}
			catch (RuntimeException ex) {
				throw new NotFoundException("No " + this.model.type() + " '" + write.id() + "'");
			}
			entity = em.find(this.model.entityClass(), id);
			if (entity == null) {
				throw new NotFoundException("No " + this.model.type() + " '" + write.id() + "'");
			}
			long version = this.model.versionOf(entity);
			if (write.expectedVersion() != null && write.expectedVersion() != version) {
				throw new ConflictException("Version " + write.expectedVersion() + " is not current",
						this.model.toChange(entity, this.nodeId.get()));
			}
			if (write.newOwner() != null) {
				if (!this.model.hasOwner()) {
					throw new InvalidRequestException(
							"Objects of type '" + this.model.type() + "' are owned by the node");
				}
				this.model.setOwner(entity, write.newOwner());
			}
			if (write.delete()) {
				em.remove(entity);
				em.flush();
				return SyncChange.delete(this.model.keyOf(id), version + 1);
			}
		}
		JsonMapper mapper = this.jsonMapper.get();
		this.model.apply(entity, write.state(), (value, type) -> mapper.convertValue(value, type),
				(type, value) -> em.getReference(type, referenceId(em, type, value)));
		if (write.id() == null) {
			em.persist(entity);
		}
		em.flush();
		return this.model.toChange(entity, this.nodeId.get());
	}

	@Override
	public List<SyncChange> mirror(List<SyncChange> changes) {
		EntityManager em = this.entityManagerFactory.createEntityManager();
		mirroring.set(Boolean.TRUE);
		try {
			EntityTransaction transaction = em.getTransaction();
			transaction.begin();
			try {
				List<SyncChange> applied = new ArrayList<>(changes.size());
				for (SyncChange change : changes) {
					if (mirror(em, change)) {
						applied.add(change);
					}
				}
				transaction.commit();
				return applied;
			}
			finally {
				if (transaction.isActive()) {
					transaction.rollback();
				}
			}
		}
		finally {
			mirroring.remove();
			em.close();
		}
	}

	/**
	 * Store one object as upstream has it. Hibernate writes the row and increments its
	 * version as usual; the row is then detached and its version set to the upstream one
	 * with a bulk update, which Hibernate neither increments nor checks, so the change
	 * capture numbers the object at its upstream version.
	 */
	private boolean mirror(EntityManager em, SyncChange change) {
		Object id = this.model.parseId(change.key().id());
		Object entity = em.find(this.model.entityClass(), id);
		if (change.op() != SyncChange.Op.UPSERT) {
			if (entity == null || this.model.versionOf(entity) >= change.version()) {
				return false;
			}
			em.remove(entity);
			em.flush();
			// The capture numbers a delete one past the entity's version.
			this.model.setVersion(entity, change.version() - 1);
			return true;
		}
		boolean created = entity == null;
		if (!created && this.model.versionOf(entity) >= change.version()) {
			return false;
		}
		if (created) {
			entity = this.model.instantiate(id);
		}
		if (change.owner() != null) {
			this.model.setOwner(entity, change.owner());
		}
		JsonMapper mapper = this.jsonMapper.get();
		EntityManager references = em;
		this.model.apply(entity, change.state(), (value, type) -> mapper.convertValue(value, type),
				(type, value) -> references.getReference(type, referenceId(references, type, value)));
		if (created) {
			em.persist(entity);
		}
		em.flush();
		em.detach(entity);
		em.createQuery("update " + this.model.entityName() + " e set e." + this.model.versionName()
				+ " = :version where e." + this.model.idName() + " = :id")
			.setParameter("version", this.model.versionValue(change.version()))
			.setParameter("id", id)
			.executeUpdate();
		this.model.setVersion(entity, change.version());
		return true;
	}

	private Object referenceId(EntityManager em, Class<?> type, Object value) {
		Class<?> idType = em.getMetamodel().entity(type).getIdType().getJavaType();
		return this.jsonMapper.get().convertValue(value, idType);
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
