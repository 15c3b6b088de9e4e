/**
 * Scale-out: instances that share a database and an external STOMP broker tell each other
 * what they commit through Spring's broker relay.
 */
@NullMarked
package io.entanglement.relay;

import org.jspecify.annotations.NullMarked;
