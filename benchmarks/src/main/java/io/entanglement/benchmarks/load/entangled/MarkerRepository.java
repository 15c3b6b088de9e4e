package io.entanglement.benchmarks.load.entangled;

import io.entanglement.Entangled;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * Markers, synchronized to subscribers of {@code /entanglement/marker}.
 *
 * @author Entanglement
 */
@Entangled("marker")
public interface MarkerRepository extends JpaRepository<Marker, Long> {

}
