package io.entanglement;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the field of a synchronized entity that holds its mandatory access control label,
 * such as {@code SECRET:RED,BLUE} (a level, then categories). A viewer sees the object
 * only if its clearance dominates the label; no policy or ACL grant can override that.
 * The label is synchronized like any attribute, so a viewer who may see the object sees
 * its label.
 *
 * @author Entanglement
 */
@Target({ ElementType.FIELD, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SecurityLabel {

}
