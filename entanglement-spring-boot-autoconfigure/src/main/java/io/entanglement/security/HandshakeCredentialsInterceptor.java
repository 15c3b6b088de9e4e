package io.entanglement.security;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Records whether the WebSocket handshake carried its own credentials in an
 * {@code Authorization} header. Such a handshake has no ambient credential a foreign page
 * could ride on, so its CONNECT needs no CSRF token; a cookie-authenticated one does, and
 * only for it is the token handed to the session (by the given interceptor). Reading the
 * token may create it and, with Spring Security's default repository, an HTTP session to
 * keep it in: a connection that brings its own credentials would carry one for nothing.
 *
 * @author Entanglement
 */
public final class HandshakeCredentialsInterceptor implements HandshakeInterceptor {

	/**
	 * Session attribute set when the handshake carried an {@code Authorization} header.
	 */
	public static final String AUTHORIZATION_HEADER_HANDSHAKE = HandshakeCredentialsInterceptor.class.getName()
			+ ".AUTHORIZATION_HEADER";

	private final HandshakeInterceptor csrfToken;

	/**
	 * Create an interceptor.
	 * @param csrfToken hands the CSRF token to the sessions of cookie-authenticated
	 * handshakes, such as Spring Security's {@code CsrfTokenHandshakeInterceptor}
	 */
	public HandshakeCredentialsInterceptor(HandshakeInterceptor csrfToken) {
		this.csrfToken = csrfToken;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) throws Exception {
		if (hasAuthorization(request)) {
			attributes.put(AUTHORIZATION_HEADER_HANDSHAKE, Boolean.TRUE);
			return true;
		}
		return this.csrfToken.beforeHandshake(request, response, wsHandler, attributes);
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			@Nullable Exception exception) {
		if (!hasAuthorization(request)) {
			this.csrfToken.afterHandshake(request, response, wsHandler, exception);
		}
	}

	/**
	 * Whether the request has an {@code Authorization} header, asked of the servlet
	 * request where there is one: the adapted headers find a header by walking every
	 * header name.
	 */
	private static boolean hasAuthorization(ServerHttpRequest request) {
		if (request instanceof ServletServerHttpRequest servlet) {
			return servlet.getServletRequest().getHeader(HttpHeaders.AUTHORIZATION) != null;
		}
		return request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION);
	}

}
