/**
 * The synchronization pipeline: commit sequencing, fan-out, per-session coalescing
 * outboxes, snapshots and catch-up.
 */
@NullMarked
package io.entanglement.engine;

import org.jspecify.annotations.NullMarked;
