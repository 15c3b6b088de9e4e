package io.entanglement.benchmarks.load.baseline;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * Group markers of the baseline.
 *
 * @author Entanglement
 */
public interface GroupMarkerRepository extends JpaRepository<GroupMarker, Long> {

}
