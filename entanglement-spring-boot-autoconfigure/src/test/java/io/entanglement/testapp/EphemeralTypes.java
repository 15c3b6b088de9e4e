package io.entanglement.testapp;

import java.util.Map;
import java.util.Set;

import io.entanglement.ForbiddenException;
import io.entanglement.memory.EphemeralStore;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Types that live in memory only: presence bound to sessions, a chat whose every version
 * counts, and a call answered by the server.
 */
@Configuration(proxyBeanMethods = false)
public class EphemeralTypes {

	@Bean
	EphemeralStore presence() {
		return EphemeralStore.of("presence", "group", "status").sessionBound();
	}

	@Bean
	EphemeralStore chat() {
		return EphemeralStore.of("chat", "text").everyVersion();
	}

	@Bean
	EphemeralStore echo() {
		return EphemeralStore.calls("echo", Set.of("text"), (caller, arguments) -> {
			if ("forbidden".equals(arguments.get("text"))) {
				throw new ForbiddenException("Not that");
			}
			return Map.of("text", caller + " said " + arguments.get("text"));
		});
	}

}
