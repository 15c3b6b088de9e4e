/**
 * Objects held in memory: presence, objects with a time to live, calls answered through
 * the proposer's reply.
 */
@NullMarked
package io.entanglement.memory;

import org.jspecify.annotations.NullMarked;
