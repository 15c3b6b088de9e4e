package io.entanglement.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Properties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnResource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Auto-configuration of what a browser needs to load Entanglement's JavaScript client.
 * The client itself is a static resource, {@code /entanglement/entanglement.js}; the
 * STOMP client it imports is served from the {@code org.webjars.npm:stomp__stompjs}
 * webjar at {@code /entanglement/stompjs/}.
 *
 * @author Entanglement
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "entanglement.enabled", matchIfMissing = true)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(WebMvcConfigurer.class)
@ConditionalOnResource(resources = "classpath:" + EntanglementWebClientAutoConfiguration.STOMPJS_POM_PROPERTIES)
public final class EntanglementWebClientAutoConfiguration {

	/** Where {@code entanglement.js} imports the STOMP client from. */
	static final String STOMPJS_PATH = "/entanglement/stompjs/**";

	static final String STOMPJS_POM_PROPERTIES = "META-INF/maven/org.webjars.npm/stomp__stompjs/pom.properties";

	@Bean
	WebMvcConfigurer entanglementWebClientResources() {
		String location = stompJsLocation();
		return new WebMvcConfigurer() {

			@Override
			public void addResourceHandlers(ResourceHandlerRegistry registry) {
				registry.addResourceHandler(STOMPJS_PATH).addResourceLocations(location);
			}

		};
	}

	/**
	 * The ES modules of the webjar on the class path. Its own record of its version is
	 * read, so the version is written down only where the dependency is declared.
	 * @return the resource location
	 */
	static String stompJsLocation() {
		try {
			Properties pom = PropertiesLoaderUtils.loadProperties(new ClassPathResource(STOMPJS_POM_PROPERTIES));
			return "classpath:/META-INF/resources/webjars/stomp__stompjs/" + pom.getProperty("version") + "/esm6/";
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to read " + STOMPJS_POM_PROPERTIES, ex);
		}
	}

}
