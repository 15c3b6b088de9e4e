package io.entanglement;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a Spring Data repository whose entities are synchronized to subscribers under the
 * given type name. Clients subscribe to {@code /entanglement/{type}}.
 *
 * <pre class="code">
 * &#64;Entangled("location")
 * interface LocationRepository extends JpaRepository&lt;Location, UUID&gt; {
 * }
 * </pre>
 *
 * @author Entanglement
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Entangled {

	/**
	 * The type name used on the wire. Letters, digits, {@code -} and {@code _} only.
	 * @return the type name
	 */
	String value();

	/**
	 * Whether pending changes of one object coalesce into its newest state. Set to
	 * {@code false} for types whose every version matters (a chat message's edits): each
	 * committed version then reaches every subscriber, in order, and a subscriber too far
	 * behind is reset instead. Catch-up after a reconnect still sends each changed object
	 * once, at its current state.
	 * @return {@code true} (the default) to coalesce
	 */
	boolean coalesce() default true;

	/**
	 * When a session has pending changes of several types, those of higher priority go
	 * first.
	 * @return the priority, {@code 0} by default
	 */
	int priority() default 0;

	/**
	 * Whether a session receives the objects this type refers to (its to-one associations
	 * to other synchronized types) before it receives this type's snapshot or catch-up,
	 * so a client can keep referential integrity.
	 * @return {@code true} to send parent types first
	 */
	boolean parentsFirst() default false;

}
