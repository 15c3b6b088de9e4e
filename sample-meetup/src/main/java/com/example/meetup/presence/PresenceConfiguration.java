package com.example.meetup.presence;

import io.entanglement.memory.EphemeralStore;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Presence: "alice is online in hikers, typing". Each page creates its presence with a
 * proposal and updates its status; nothing is stored, and a presence is deleted when the
 * last connection of its owner closes.
 *
 * @author Entanglement
 */
@Configuration(proxyBeanMethods = false)
class PresenceConfiguration {

	// tag::presence[]
	@Bean
	EphemeralStore presence() {
		return EphemeralStore.of("presence", "group", "status", "label").labelAttribute("label").sessionBound();
	}
	// end::presence[]

}
