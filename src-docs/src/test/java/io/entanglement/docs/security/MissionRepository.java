package io.entanglement.docs.security;

import java.util.UUID;

import io.entanglement.Entangled;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * The missions of the security page's worked example, synchronized as {@code mission}.
 *
 * @author Entanglement
 */
// tag::repository[]
@Entangled("mission")
public interface MissionRepository extends JpaRepository<Mission, UUID> {

}
// end::repository[]
