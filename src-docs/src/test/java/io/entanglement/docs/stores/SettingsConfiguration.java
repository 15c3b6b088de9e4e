package io.entanglement.docs.stores;

import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the settings store: a {@code SyncStore} bean is synchronized under its type
 * name.
 *
 * @author Entanglement
 */
// tag::configuration[]
@Configuration(proxyBeanMethods = false)
public class SettingsConfiguration {

	@Bean
	SettingsStore settingsStore(@Value("${meetup.settings-file}") Path file) {
		return new SettingsStore(file);
	}

}
// end::configuration[]
