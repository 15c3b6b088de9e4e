/**
 * The load harness's baseline: what a Spring user writes without Entanglement, a JPA
 * entity listener that sends each change with {@code SimpMessagingTemplate} on Spring's
 * simple broker.
 */
@NullMarked
package io.entanglement.benchmarks.load.baseline;

import org.jspecify.annotations.NullMarked;
