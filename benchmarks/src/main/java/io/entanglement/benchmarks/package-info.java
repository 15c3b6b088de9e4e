/**
 * JMH micro-benchmarks of the sync engine's hot paths, driven through its public API.
 */
@NullMarked
package io.entanglement.benchmarks;

import org.jspecify.annotations.NullMarked;
