package io.entanglement.security;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Serves the CSRF token a cookie-authenticated client sends as a header of its STOMP
 * CONNECT: {@code {"headerName":"X-CSRF-TOKEN","token":"..."}}.
 *
 * @author Entanglement
 */
public final class CsrfTokenEndpoint implements HandlerFunction<ServerResponse> {

	@Override
	public ServerResponse handle(ServerRequest request) {
		Object token = request.attribute(CsrfToken.class.getName()).orElse(null);
		if (!(token instanceof CsrfToken csrfToken)) {
			return ServerResponse.status(HttpStatus.NOT_FOUND).build();
		}
		return ServerResponse.ok()
			.header("Cache-Control", "no-store")
			.body(Map.of("headerName", csrfToken.getHeaderName(), "token", csrfToken.getToken()));
	}

}
