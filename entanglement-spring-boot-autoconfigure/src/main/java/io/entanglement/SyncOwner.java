package io.entanglement;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the field of a synchronized entity that names its owner: the node or user
 * principal that decides the object's authoritative state. Entities without such a field
 * are owned by the node ({@code entanglement.node-id}).
 *
 * @author Entanglement
 */
@Target({ ElementType.FIELD, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SyncOwner {

}
