package io.entanglement.security;

import java.io.Serializable;
import java.util.Collection;
import java.util.function.Function;

import io.entanglement.ObjectKey;
import io.entanglement.SyncStore;
import org.jspecify.annotations.Nullable;

import org.springframework.security.acls.domain.ObjectIdentityImpl;
import org.springframework.security.acls.model.ObjectIdentity;

/**
 * The Spring Security ACL identity of a synchronized object: its store's domain type (the
 * entity class name for JPA) and its typed id.
 *
 * @author Entanglement
 */
public final class AclObjectIdentities {

	private final Function<String, @Nullable SyncStore> stores;

	/**
	 * Create the identities.
	 * @param stores the store of each synchronized type, {@code null} for unknown types
	 */
	public AclObjectIdentities(Function<String, @Nullable SyncStore> stores) {
		this.stores = stores;
	}

	/**
	 * The identity of an object.
	 * @param type the type name
	 * @param id the object id as it travels on the wire
	 * @return the identity, or {@code null} if the type is not synchronized
	 * @throws io.entanglement.InvalidRequestException if the id does not fit the type's
	 * id type
	 */
	public @Nullable ObjectIdentity of(String type, String id) {
		SyncStore store = this.stores.apply(type);
		if (store == null) {
			return null;
		}
		Object identifier = store.identifier(id);
		return new ObjectIdentityImpl(store.domainType(),
				(identifier instanceof Serializable serializable) ? serializable : id);
	}

	/**
	 * The object an identity stands for.
	 * @param objectIdentity the identity
	 * @param types the types to look among
	 * @return the object, or {@code null} if it is not of one of those types
	 */
	@Nullable ObjectKey keyOf(ObjectIdentity objectIdentity, Collection<String> types) {
		for (String type : types) {
			SyncStore store = this.stores.apply(type);
			if (store != null && store.domainType().equals(objectIdentity.getType())) {
				return new ObjectKey(type, String.valueOf(objectIdentity.getIdentifier()));
			}
		}
		return null;
	}

	/**
	 * The store of a type.
	 * @param type the type name
	 * @return the store, or {@code null} if the type is not synchronized
	 */
	@Nullable SyncStore store(String type) {
		return this.stores.apply(type);
	}

}
