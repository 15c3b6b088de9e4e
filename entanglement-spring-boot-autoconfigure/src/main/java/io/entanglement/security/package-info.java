/**
 * Spring Security integration: CSRF protection of STOMP CONNECT for cookie-authenticated
 * WebSocket sessions, and the endpoint that serves the token to clients.
 */
@NullMarked
package io.entanglement.security;

import org.jspecify.annotations.NullMarked;
