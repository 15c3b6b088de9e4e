/**
 * The Java client of an Entanglement server, for applications and other nodes.
 */
@NullMarked
package io.entanglement.peer;

import org.jspecify.annotations.NullMarked;
