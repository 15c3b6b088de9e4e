package io.entanglement.stomp;

import java.security.Principal;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.jspecify.annotations.Nullable;

import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeFailureException;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * The handshake of Entanglement's endpoint: Spring's default, with the WebSocket
 * permessage-deflate extension refused when compression is switched off.
 *
 * @author Entanglement
 */
public final class StompHandshakeHandler extends DefaultHandshakeHandler {

	/** The name of the WebSocket compression extension (RFC 7692). */
	static final String PERMESSAGE_DEFLATE = "permessage-deflate";

	private static final String EXTENSIONS_HEADER = "Sec-WebSocket-Extensions";

	private final boolean compression;

	/**
	 * Create a handshake handler.
	 * @param compression whether to accept permessage-deflate when a client offers it
	 */
	public StompHandshakeHandler(boolean compression) {
		super(compression ? new StandardWebSocketUpgradeStrategy() : new WithoutExtensionsUpgradeStrategy());
		this.compression = compression;
	}

	@Override
	protected List<WebSocketExtension> filterRequestedExtensions(ServerHttpRequest request,
			List<WebSocketExtension> requested, List<WebSocketExtension> supported) {
		List<WebSocketExtension> accepted = super.filterRequestedExtensions(request, requested, supported);
		if (this.compression) {
			return accepted;
		}
		return accepted.stream()
			.filter((extension) -> !PERMESSAGE_DEFLATE.equalsIgnoreCase(extension.getName()))
			.toList();
	}

	/**
	 * A JSR-356 container (Tomcat) negotiates extensions from the request's header and
	 * falls back to all it has installed when it is given none, so the header is hidden
	 * from it. Compression is the only extension such containers install.
	 */
	private static final class WithoutExtensionsUpgradeStrategy extends StandardWebSocketUpgradeStrategy {

		@Override
		public void upgrade(ServerHttpRequest request, ServerHttpResponse response, @Nullable String selectedProtocol,
				List<WebSocketExtension> selectedExtensions, @Nullable Principal user, WebSocketHandler wsHandler,
				Map<String, Object> attrs) throws HandshakeFailureException {
			HttpServletRequest hidden = new HttpServletRequestWrapper(getHttpServletRequest(request)) {

				@Override
				public @Nullable String getHeader(String name) {
					return EXTENSIONS_HEADER.equalsIgnoreCase(name) ? null : super.getHeader(name);
				}

				@Override
				public Enumeration<String> getHeaders(String name) {
					return EXTENSIONS_HEADER.equalsIgnoreCase(name) ? Collections.emptyEnumeration()
							: super.getHeaders(name);
				}

			};
			super.upgrade(new ServletServerHttpRequest(hidden), response, selectedProtocol, selectedExtensions, user,
					wsHandler, attrs);
		}

	}

}
