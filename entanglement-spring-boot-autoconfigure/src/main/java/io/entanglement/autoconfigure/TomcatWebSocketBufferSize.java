package io.entanglement.autoconfigure;

import io.entanglement.stomp.StompContainerBuffers;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;
import org.springframework.util.unit.DataSize;

/**
 * Sizes the buffers Tomcat gives every WebSocket connection for framing and writing
 * (three of {@value #SYSTEM_PROPERTY}, 8 KB each by default) to
 * {@code entanglement.stomp.container-buffer-size}. Tomcat reads that system property
 * once per JVM, when its WebSocket support starts, so it is set here, before the web
 * server starts; a value given on the command line is kept.
 *
 * @author Entanglement
 */
public final class TomcatWebSocketBufferSize implements EnvironmentPostProcessor, Ordered {

	/** Tomcat's system property. */
	public static final String SYSTEM_PROPERTY = StompContainerBuffers.TOMCAT_BUFFER_SIZE_PROPERTY;

	private static final Log logger = LogFactory.getLog(TomcatWebSocketBufferSize.class);

	private static final String TOMCAT_WEBSOCKET = "org.apache.tomcat.websocket.server.WsSci";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Binder binder = Binder.get(environment);
		if (!binder.bind("entanglement.enabled", Boolean.class).orElse(true)
				|| !ClassUtils.isPresent(TOMCAT_WEBSOCKET, application.getClassLoader())
				|| System.getProperty(SYSTEM_PROPERTY) != null) {
			return;
		}
		DataSize size = binder.bind("entanglement.stomp.container-buffer-size", DataSize.class)
			.orElse(EntanglementProperties.Stomp.DEFAULT_CONTAINER_BUFFER_SIZE);
		if (size.toBytes() <= 0) {
			return;
		}
		System.setProperty(SYSTEM_PROPERTY, String.valueOf(size.toBytes()));
		logger.debug("Tomcat WebSocket buffers of " + size.toBytes() + " bytes per connection");
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
