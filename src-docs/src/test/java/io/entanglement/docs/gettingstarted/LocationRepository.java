package io.entanglement.docs.gettingstarted;

import java.util.UUID;

import io.entanglement.Entangled;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * The repository of the getting-started guide.
 *
 * @author Entanglement
 */
// tag::repository[]
@Entangled("location")
public interface LocationRepository extends JpaRepository<Location, UUID> {

}
// end::repository[]
