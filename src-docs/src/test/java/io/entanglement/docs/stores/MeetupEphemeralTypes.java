package io.entanglement.docs.stores;

import java.time.Duration;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;

import io.entanglement.InvalidRequestException;
import io.entanglement.NotFoundException;
import io.entanglement.docs.gettingstarted.Location;
import io.entanglement.docs.gettingstarted.LocationRepository;
import io.entanglement.memory.EphemeralStore;
import org.jspecify.annotations.Nullable;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The stores page's ephemeral types: presence, typing indicators, chat messages, alerts,
 * groups and their members, and a call that measures the distance between two locations.
 *
 * @author Entanglement
 */
@Configuration(proxyBeanMethods = false)
public class MeetupEphemeralTypes {

	// tag::presence[]
	@Bean
	EphemeralStore presence() {
		return EphemeralStore.of("presence", "group", "status").sessionBound();
	}

	// end::presence[]
	// tag::typing[]
	@Bean
	EphemeralStore typing() {
		return EphemeralStore.of("typing", "group").ttl(Duration.ofSeconds(2));
	}

	// end::typing[]
	// tag::message[]
	@Bean
	EphemeralStore message() {
		return EphemeralStore.of("message", "group", "text").everyVersion();
	}

	// end::message[]
	// tag::ordering[]
	@Bean
	EphemeralStore alert() {
		return EphemeralStore.of("alert", "text").priority(10);
	}

	@Bean
	EphemeralStore group() {
		return EphemeralStore.of("group", "name");
	}

	@Bean
	EphemeralStore member() {
		return EphemeralStore.of("member", "group", "role").parents("group");
	}

	// end::ordering[]
	// tag::call[]
	@Bean
	EphemeralStore distance(LocationRepository locations) {
		return EphemeralStore.calls("distance", Set.of("from", "to"), (caller, arguments) -> {
			Location from = find(locations, arguments.get("from"));
			Location to = find(locations, arguments.get("to"));
			return Map.of("meters", Math.round(meters(from, to)));
		});
	}

	private static Location find(LocationRepository locations, @Nullable Object id) {
		if (!(id instanceof String text)) {
			throw new InvalidRequestException("'from' and 'to' must be ids of locations");
		}
		try {
			return locations.findById(UUID.fromString(text)).orElseThrow();
		}
		catch (IllegalArgumentException | NoSuchElementException ex) {
			throw new NotFoundException("No location '" + text + "'");
		}
	}

	// end::call[]
	/**
	 * The great-circle distance between two locations, in meters.
	 */
	private static double meters(Location from, Location to) {
		double lat1 = Math.toRadians(from.getLat());
		double lat2 = Math.toRadians(to.getLat());
		double dLat = lat2 - lat1;
		double dLng = Math.toRadians(to.getLng() - from.getLng());
		double a = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(lat1) * Math.cos(lat2) * Math.pow(Math.sin(dLng / 2), 2);
		return 2 * 6_371_000 * Math.asin(Math.sqrt(a));
	}

}
