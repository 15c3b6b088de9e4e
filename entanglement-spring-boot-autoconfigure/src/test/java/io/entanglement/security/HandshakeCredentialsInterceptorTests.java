package io.entanglement.security;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handshake with its own credentials needs no CSRF token; one that rides on a cookie
 * has the token handed to its session.
 *
 * @author Entanglement
 */
class HandshakeCredentialsInterceptorTests {

	private final List<String> csrfCalls = new ArrayList<>();

	private final HandshakeCredentialsInterceptor interceptor = new HandshakeCredentialsInterceptor(
			new HandshakeInterceptor() {

				@Override
				public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
						WebSocketHandler wsHandler, Map<String, Object> attributes) {
					HandshakeCredentialsInterceptorTests.this.csrfCalls.add("before");
					attributes.put("csrf", "token");
					return true;
				}

				@Override
				public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response,
						WebSocketHandler wsHandler, @Nullable Exception exception) {
					HandshakeCredentialsInterceptorTests.this.csrfCalls.add("after");
				}

			});

	private final WebSocketHandler handler = new TextWebSocketHandler();

	@Test
	void aHandshakeWithAnAuthorizationHeaderIsMarkedAndGetsNoCsrfToken() throws Exception {
		MockHttpServletRequest servletRequest = new MockHttpServletRequest("GET", "/entanglement");
		servletRequest.addHeader("authorization", "Basic YWxpY2U6cGFzc3dvcmQ=");
		Map<String, Object> attributes = handshake(servletRequest);
		assertThat(attributes).containsEntry(HandshakeCredentialsInterceptor.AUTHORIZATION_HEADER_HANDSHAKE, true)
			.doesNotContainKey("csrf");
		assertThat(this.csrfCalls).isEmpty();
	}

	@Test
	void aHandshakeWithoutOneGetsTheCsrfTokenAndIsNotMarked() throws Exception {
		MockHttpServletRequest servletRequest = new MockHttpServletRequest("GET", "/entanglement");
		servletRequest.addHeader("Cookie", "JSESSIONID=abc");
		Map<String, Object> attributes = handshake(servletRequest);
		assertThat(attributes).containsEntry("csrf", "token")
			.doesNotContainKey(HandshakeCredentialsInterceptor.AUTHORIZATION_HEADER_HANDSHAKE);
		assertThat(this.csrfCalls).containsExactly("before", "after");
	}

	private Map<String, Object> handshake(MockHttpServletRequest servletRequest) throws Exception {
		ServerHttpRequest request = new ServletServerHttpRequest(servletRequest);
		ServerHttpResponse response = new ServletServerHttpResponse(new MockHttpServletResponse());
		Map<String, Object> attributes = new HashMap<>();
		assertThat(this.interceptor.beforeHandshake(request, response, this.handler, attributes)).isTrue();
		this.interceptor.afterHandshake(request, response, this.handler, null);
		return attributes;
	}

}
