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

}
