/**
 * The load harness's server with Entanglement: the marker type synchronized by the
 * starter.
 */
@NullMarked
package io.entanglement.benchmarks.load.entangled;

import org.jspecify.annotations.NullMarked;
