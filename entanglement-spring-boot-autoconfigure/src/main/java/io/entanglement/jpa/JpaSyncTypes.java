package io.entanglement.jpa;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.entanglement.Entangled;
import io.entanglement.SyncStore;
import jakarta.persistence.EntityManagerFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.Assert;

/**
 * The entity classes synchronized through {@code @Entangled} repositories, by class and
 * by type name, with the store of each.
 *
 * @author Entanglement
 */
public final class JpaSyncTypes {

	private final Map<String, Class<?>> classesByType = new ConcurrentHashMap<>();

	private final Map<Class<?>, JpaSyncStore> stores = new ConcurrentHashMap<>();

	private final Map<String, Entangled> options = new ConcurrentHashMap<>();

	private volatile @Nullable EntityManagerFactory entityManagerFactory;

	private volatile @Nullable Consumer<SyncStore> listener;

	private volatile String nodeId = "node";

	private volatile JsonMapper jsonMapper = JsonMapper.builder().build();

	void entityManagerFactory(EntityManagerFactory entityManagerFactory) {
		this.entityManagerFactory = entityManagerFactory;
		this.classesByType.forEach(this::createStore);
	}

	void register(Entangled entangled, Class<?> entityClass) {
		String type = entangled.value();
		this.options.putIfAbsent(type, entangled);
		Class<?> previous = this.classesByType.putIfAbsent(type, entityClass);
		Assert.state(previous == null || previous == entityClass, () -> "Type '" + type + "' is used by both "
				+ previous.getName() + " and " + entityClass.getName() + "; @Entangled type names must be unique");
		if (this.entityManagerFactory != null) {
			createStore(type, entityClass);
		}
	}

	private synchronized void createStore(String type, Class<?> entityClass) {
		EntityManagerFactory emf = this.entityManagerFactory;
		if (emf == null || this.stores.containsKey(entityClass)) {
			return;
		}
		JpaEntityModel model = new JpaEntityModel(type, emf.getMetamodel().entity(entityClass),
				emf.getPersistenceUnitUtil());
		JpaSyncStore store = new JpaSyncStore(model, emf, () -> this.nodeId, () -> this.jsonMapper,
				this.options.get(type), this::parentTypes);
		this.stores.put(entityClass, store);
		Consumer<SyncStore> current = this.listener;
		if (current != null) {
			current.accept(store);
		}
	}

	/**
	 * Hand every store, now and later, to the given consumer.
	 * @param listener the consumer, typically {@code SyncManager::register}
	 * @param nodeId the owner of objects without a {@code @SyncOwner} value
	 * @param jsonMapper converts proposed values to attribute types
	 */
	public synchronized void bind(Consumer<SyncStore> listener, String nodeId, JsonMapper jsonMapper) {
		this.nodeId = nodeId;
		this.jsonMapper = jsonMapper;
		this.listener = listener;
		this.stores.values().forEach(listener);
	}

	/**
	 * The synchronized types a model refers to.
	 */
	private Set<String> parentTypes(JpaEntityModel model) {
		Set<String> parents = new java.util.LinkedHashSet<>();
		this.classesByType.forEach((type, entityClass) -> {
			if (model.referencedClasses().contains(entityClass) && !type.equals(model.type())) {
				parents.add(type);
			}
		});
		return parents;
	}

	@Nullable JpaSyncStore store(Class<?> entityClass) {
		return this.stores.get(entityClass);
	}

	String nodeId() {
		return this.nodeId;
	}

}
