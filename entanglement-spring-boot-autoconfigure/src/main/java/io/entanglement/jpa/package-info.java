/**
 * Spring Data JPA integration: annotated repositories, commit-time change capture on
 * Hibernate, and the JPA store behind snapshots and catch-up.
 */
@NullMarked
package io.entanglement.jpa;

import org.jspecify.annotations.NullMarked;
