/**
 * Spring Boot auto-configuration for Entanglement and its {@code entanglement.*}
 * properties.
 */
@NullMarked
package io.entanglement.autoconfigure;

import org.jspecify.annotations.NullMarked;
