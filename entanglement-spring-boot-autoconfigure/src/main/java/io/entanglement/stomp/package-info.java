/**
 * STOMP over WebSocket: subscriptions on {@code /entanglement/{type}}, batched MESSAGE
 * frames written around shared change encodings, and replies to clients.
 */
@NullMarked
package io.entanglement.stomp;

import org.jspecify.annotations.NullMarked;
