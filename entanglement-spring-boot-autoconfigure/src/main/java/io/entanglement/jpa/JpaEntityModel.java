package io.entanglement.jpa;

import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

import io.entanglement.InvalidRequestException;
import io.entanglement.ObjectKey;
import io.entanglement.SecurityLabel;
import io.entanglement.SyncChange;
import io.entanglement.SyncIgnore;
import io.entanglement.SyncOwner;
import jakarta.persistence.PersistenceUnitUtil;
import jakarta.persistence.metamodel.Attribute;
import jakarta.persistence.metamodel.EntityType;
import jakarta.persistence.metamodel.SingularAttribute;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.util.ReflectionUtils;

/**
 * How one synchronized entity class maps to wire state: its id, version, owner and
 * synchronized attributes, read from the JPA metamodel.
 *
 * @author Entanglement
 */
final class JpaEntityModel {

	private static final ConversionService conversions = DefaultConversionService.getSharedInstance();

	private final String type;

	private final Class<?> entityClass;

	private final String entityName;

	private final SingularAttribute<?, ?> idAttribute;

	private final Member version;

	private final String versionName;

	private final @Nullable Member owner;

	private @Nullable String ownerName;

	private @Nullable String labelName;

	private final Map<String, Property> properties;

	private final PersistenceUnitUtil units;

	private final boolean generatedId;

	JpaEntityModel(String type, EntityType<?> entity, PersistenceUnitUtil units) {
		this.type = type;
		this.entityClass = entity.getJavaType();
		this.entityName = entity.getName();
		this.units = units;
		this.idAttribute = entity.getId(entity.getIdType().getJavaType());
		this.generatedId = isAnnotated(this.idAttribute.getJavaMember(), jakarta.persistence.GeneratedValue.class);
		SingularAttribute<?, ?> versionAttribute = null;
		Member ownerMember = null;
		Map<String, Property> properties = new LinkedHashMap<>();
		for (Attribute<?, ?> attribute : entity.getAttributes()) {
			Member member = attribute.getJavaMember();
			if (attribute instanceof SingularAttribute<?, ?> singular && singular.isVersion()) {
				versionAttribute = singular;
			}
			else if (attribute instanceof SingularAttribute<?, ?> singular && singular.isId()) {
				continue;
			}
			else if (isAnnotated(member, SyncOwner.class)) {
				ownerMember = member;
				this.ownerName = attribute.getName();
			}
			else if (!isAnnotated(member, SyncIgnore.class) && !attribute.isCollection()) {
				if (isAnnotated(member, SecurityLabel.class)) {
					this.labelName = attribute.getName();
				}
				properties.put(attribute.getName(),
						new Property(member, attribute.isAssociation(), attribute.getJavaType()));
			}
		}
		if (versionAttribute == null) {
			throw new IllegalStateException("Entity " + this.entityClass.getName() + " synchronized as '" + type
					+ "' needs a numeric @Version attribute, for example '@Version private long version;'");
		}
		Class<?> versionType = versionAttribute.getJavaType();
		if (!(Number.class.isAssignableFrom(versionType) || versionType == long.class || versionType == int.class
				|| versionType == short.class)) {
			throw new IllegalStateException("The @Version attribute of " + this.entityClass.getName()
					+ " must be numeric, but is " + versionType.getName());
		}
		this.version = versionAttribute.getJavaMember();
		this.versionName = versionAttribute.getName();
		this.owner = ownerMember;
		this.properties = Collections.unmodifiableMap(properties);
	}

	String type() {
		return this.type;
	}

	Class<?> entityClass() {
		return this.entityClass;
	}

	String entityName() {
		return this.entityName;
	}

	String idName() {
		return this.idAttribute.getName();
	}

	/**
	 * The entity classes this entity refers to through its synchronized to-one
	 * associations.
	 */
	Set<Class<?>> referencedClasses() {
		Set<Class<?>> classes = new java.util.LinkedHashSet<>();
		this.properties.values().forEach((property) -> {
			if (property.association()) {
				classes.add(property.javaType());
			}
		});
		return classes;
	}

	Set<String> propertyNames() {
		return this.properties.keySet();
	}

	/**
	 * The entity's id, or {@code null} if it has none yet.
	 */
	@Nullable Object idOf(Object entity) {
		return this.units.getIdentifier(entity);
	}

	ObjectKey keyOf(Object id) {
		return new ObjectKey(this.type, String.valueOf(id));
	}

	Object parseId(String id) {
		Object parsed = conversions.convert(id, this.idAttribute.getJavaType());
		if (parsed == null) {
			throw new IllegalArgumentException("Cannot read '" + id + "' as an id of " + this.entityName);
		}
		return parsed;
	}

	@Nullable String labelName() {
		return this.labelName;
	}

	boolean hasOwner() {
		return this.owner != null;
	}

	/**
	 * A new, empty entity with an id assigned unless the database generates it.
	 */
	Object instantiate() {
		Object entity;
		try {
			entity = BeanUtils.instantiateClass(ReflectionUtils.accessibleConstructor(this.entityClass));
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(this.entityClass.getName() + " has no no-argument constructor", ex);
		}
		if (!this.generatedId) {
			Class<?> idType = this.idAttribute.getJavaType();
			if (idType == UUID.class) {
				write(this.idAttribute.getJavaMember(), entity, UUID.randomUUID());
			}
			else if (idType == String.class) {
				write(this.idAttribute.getJavaMember(), entity, UUID.randomUUID().toString());
			}
			else {
				throw new InvalidRequestException("Objects of type '" + this.type
						+ "' cannot be created by proposal: their id is neither generated nor a UUID or string");
			}
		}
		return entity;
	}

	/**
	 * A new, empty entity with the given id, for an object learned from a peer.
	 */
	Object instantiate(Object id) {
		if (this.generatedId) {
			throw new IllegalStateException("Type '" + this.type + "' cannot be mirrored from a peer: the database "
					+ "generates the ids of " + this.entityClass.getName() + ", and ids must be the same on every node "
					+ "(use an application-assigned UUID or string id)");
		}
		Object entity;
		try {
			entity = BeanUtils.instantiateClass(ReflectionUtils.accessibleConstructor(this.entityClass));
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(this.entityClass.getName() + " has no no-argument constructor", ex);
		}
		write(this.idAttribute.getJavaMember(), entity, id);
		return entity;
	}

	String versionName() {
		return this.versionName;
	}

	/**
	 * Set the version an object has upstream, on an entity the persistence context no
	 * longer manages.
	 */
	void setVersion(Object entity, long version) {
		Object value = versionValue(version);
		if (this.version instanceof Field field) {
			ReflectionUtils.makeAccessible(field);
			ReflectionUtils.setField(field, entity, value);
		}
		else {
			write(this.version, entity, value);
		}
	}

	/**
	 * A version as the version attribute's type holds it.
	 */
	Object versionValue(long version) {
		Class<?> type = (this.version instanceof Field field) ? field.getType()
				: ((Method) this.version).getReturnType();
		if (type == int.class || type == Integer.class) {
			return (int) version;
		}
		if (type == short.class || type == Short.class) {
			return (short) version;
		}
		return version;
	}

	void setOwner(Object entity, String owner) {
		if (this.owner != null) {
			write(this.owner, entity, owner);
		}
	}

	/**
	 * Set proposed attributes, converting each value to the attribute's type.
	 * @param references resolves an associated entity from its class and id
	 */
	void apply(Object entity, Map<String, @Nullable Object> state,
			BiFunction<@Nullable Object, Class<?>, @Nullable Object> convert,
			BiFunction<Class<?>, Object, Object> references) {
		state.forEach((name, value) -> {
			Property property = this.properties.get(name);
			if (property == null) {
				throw new InvalidRequestException("'" + name + "' is not an attribute of " + this.type);
			}
			Object converted;
			try {
				if (property.association()) {
					converted = (value != null) ? references.apply(property.javaType(), value) : null;
				}
				else {
					converted = convert.apply(value, property.javaType());
				}
			}
			catch (RuntimeException ex) {
				throw new InvalidRequestException("'" + name + "' does not accept " + describe(value));
			}
			if (converted == null && property.javaType().isPrimitive()) {
				throw new InvalidRequestException("'" + name + "' cannot be null");
			}
			write(property.member(), entity, converted);
		});
	}

	private static String describe(@Nullable Object value) {
		if (value == null) {
			return "null";
		}
		if (value instanceof CharSequence) {
			return "a string";
		}
		if (value instanceof Number) {
			return "a number";
		}
		if (value instanceof Boolean) {
			return "a boolean";
		}
		return (value instanceof Map) ? "an object" : "an array";
	}

	long versionOf(Object entity) {
		Object value = read(this.version, entity);
		return (value instanceof Number number) ? number.longValue() : 0;
	}

	/**
	 * The object's state as subscribers see it.
	 */
	SyncChange toChange(Object entity, String defaultOwner) {
		Object id = this.units.getIdentifier(entity);
		Map<String, @Nullable Object> state = new LinkedHashMap<>();
		this.properties.forEach((name, property) -> {
			Object value = read(property.member(), entity);
			if (property.association() && value != null) {
				value = this.units.getIdentifier(value);
			}
			state.put(name, value);
		});
		Object ownerValue = (this.owner != null) ? read(this.owner, entity) : null;
		String owner = (ownerValue != null) ? String.valueOf(ownerValue) : defaultOwner;
		return SyncChange.upsert(keyOf(id), owner, versionOf(entity), Collections.unmodifiableMap(state));
	}

	/**
	 * The object as it was in a Hibernate state array (an update's old state or a
	 * delete's deleted state), or {@code null} if the array does not hold it.
	 */
	@Nullable SyncChange fromState(Object id, String[] names, Object @Nullable [] values, String defaultOwner) {
		if (values == null || values.length != names.length) {
			return null;
		}
		Map<String, @Nullable Object> state = new LinkedHashMap<>();
		long versionValue = 0;
		String ownerValue = null;
		for (int i = 0; i < names.length; i++) {
			Object value = values[i];
			if (names[i].equals(this.versionName)) {
				versionValue = (value instanceof Number number) ? number.longValue() : 0;
			}
			else if (names[i].equals(this.ownerName)) {
				ownerValue = (value != null) ? String.valueOf(value) : null;
			}
			else {
				Property property = this.properties.get(names[i]);
				if (property != null) {
					state.put(names[i],
							(property.association() && value != null) ? this.units.getIdentifier(value) : value);
				}
			}
		}
		return SyncChange.upsert(keyOf(id), (ownerValue != null) ? ownerValue : defaultOwner, versionValue,
				Collections.unmodifiableMap(state));
	}

	List<SyncChange> toChanges(List<?> entities, String defaultOwner) {
		List<SyncChange> changes = new ArrayList<>(entities.size());
		for (Object entity : entities) {
			changes.add(toChange(entity, defaultOwner));
		}
		return changes;
	}

	private static @Nullable Object read(Member member, Object target) {
		if (member instanceof Field field) {
			ReflectionUtils.makeAccessible(field);
			return ReflectionUtils.getField(field, target);
		}
		Method method = (Method) member;
		ReflectionUtils.makeAccessible(method);
		return ReflectionUtils.invokeMethod(method, target);
	}

	private static void write(Member member, Object target, @Nullable Object value) {
		if (member instanceof Field field) {
			ReflectionUtils.makeAccessible(field);
			ReflectionUtils.setField(field, target, value);
			return;
		}
		Method getter = (Method) member;
		String property = getter.getName().replaceFirst("^(get|is)", "");
		Method setter = ReflectionUtils.findMethod(getter.getDeclaringClass(), "set" + property,
				getter.getReturnType());
		if (setter == null) {
			throw new InvalidRequestException("'" + property + "' is read-only");
		}
		ReflectionUtils.makeAccessible(setter);
		ReflectionUtils.invokeMethod(setter, target, value);
	}

	private static boolean isAnnotated(Member member, Class<? extends java.lang.annotation.Annotation> annotation) {
		if (member instanceof Field field) {
			return field.isAnnotationPresent(annotation);
		}
		if (member instanceof Method method) {
			if (method.isAnnotationPresent(annotation)) {
				return true;
			}
			String name = method.getName().replaceFirst("^(get|is)", "");
			Field field = ReflectionUtils.findField(method.getDeclaringClass(),
					Character.toLowerCase(name.charAt(0)) + name.substring(1));
			return field != null && field.isAnnotationPresent(annotation);
		}
		return false;
	}

	private record Property(Member member, boolean association, Class<?> javaType) {
	}

}
