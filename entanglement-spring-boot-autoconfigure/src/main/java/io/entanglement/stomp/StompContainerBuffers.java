package io.entanglement.stomp;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.server.ServerContainer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Sizes the buffers a JSR-356 container (Tomcat) gives every WebSocket connection for
 * inbound messages. The container's default (8K characters plus 8 KB) is held by every
 * idle connection; STOMP frames from clients are small, and a larger one arrives in parts
 * that Spring's STOMP decoder reassembles up to
 * {@code entanglement.stomp.max-message-size}. An application that sets its own sizes
 * (for example with Spring's {@code ServletServerContainerFactoryBean}) keeps them.
 *
 * @author Entanglement
 */
public final class StompContainerBuffers implements ServletContextListener {

	/** The JVM system property from which Tomcat reads its WebSocket buffer size. */
	public static final String TOMCAT_BUFFER_SIZE_PROPERTY = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

	private static final int CONTAINER_DEFAULT = 8 * 1024;

	private static final Log logger = LogFactory.getLog(StompContainerBuffers.class);

	private final int size;

	/**
	 * Create the listener.
	 * @param size the inbound text (characters) and binary (bytes) buffer size of each
	 * connection
	 */
	public StompContainerBuffers(int size) {
		this.size = size;
	}

	/**
	 * Whether a size is one the application did not choose: Tomcat's own default, or the
	 * one its system property gives (which Tomcat reads once per JVM, so either may be in
	 * effect).
	 */
	private static boolean isContainerDefault(int size) {
		return size == CONTAINER_DEFAULT || size == Integer.getInteger(TOMCAT_BUFFER_SIZE_PROPERTY, CONTAINER_DEFAULT);
	}

	@Override
	public void contextInitialized(ServletContextEvent event) {
		if (!(event.getServletContext()
			.getAttribute(ServerContainer.class.getName()) instanceof ServerContainer container)) {
			return;
		}
		if (isContainerDefault(container.getDefaultMaxTextMessageBufferSize())) {
			container.setDefaultMaxTextMessageBufferSize(this.size);
		}
		if (isContainerDefault(container.getDefaultMaxBinaryMessageBufferSize())) {
			container.setDefaultMaxBinaryMessageBufferSize(this.size);
		}
		logger.debug("WebSocket inbound buffers of " + this.size + " per connection");
	}

}
