/**
 * Spring Security integration: access control lists as a sync policy, live grants and
 * revocations, CSRF protection of STOMP CONNECT for cookie-authenticated WebSocket
 * sessions, and the endpoint that serves the token to clients.
 */
@NullMarked
package io.entanglement.security;

import org.jspecify.annotations.NullMarked;
