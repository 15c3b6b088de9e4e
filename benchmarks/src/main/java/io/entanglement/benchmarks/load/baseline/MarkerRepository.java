package io.entanglement.benchmarks.load.baseline;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * Markers of the baseline.
 *
 * @author Entanglement
 */
public interface MarkerRepository extends JpaRepository<Marker, Long> {

}
