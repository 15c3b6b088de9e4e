package com.example.meetup.location;

import java.util.Optional;
import java.util.UUID;

import io.entanglement.Entangled;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * People's locations, synchronized to subscribers of {@code /entanglement/location} who
 * may see them.
 *
 * @author Entanglement
 */
// tag::repository[]
@Entangled("location")
public interface LocationRepository extends JpaRepository<Location, UUID> {

	// end::repository[]

	Optional<Location> findByPerson(String person);

}
