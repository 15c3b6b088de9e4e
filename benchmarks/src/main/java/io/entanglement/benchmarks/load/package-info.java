/**
 * The load harness's server side: what the Entanglement server and the plain-Spring
 * baseline share (the entity's attributes, the committer, the measuring endpoints).
 */
@NullMarked
package io.entanglement.benchmarks.load;

import org.jspecify.annotations.NullMarked;
