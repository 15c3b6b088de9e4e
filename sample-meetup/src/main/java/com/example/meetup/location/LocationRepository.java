package com.example.meetup.location;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import io.entanglement.Entangled;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * People's locations, synchronized to subscribers of {@code /entanglement/location}.
 *
 * @author Entanglement
 */
@Entangled("location")
public interface LocationRepository extends JpaRepository<Location, UUID> {

	boolean existsByPerson(String person);

	List<Location> findByPersonIn(Collection<String> people);

}
