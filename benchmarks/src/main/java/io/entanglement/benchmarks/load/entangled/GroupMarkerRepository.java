package io.entanglement.benchmarks.load.entangled;

import io.entanglement.Entangled;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * Group markers, synchronized to subscribers of {@code /entanglement/groupMarker} whom
 * their access control lists and labels let see them.
 *
 * @author Entanglement
 */
@Entangled("groupMarker")
public interface GroupMarkerRepository extends JpaRepository<GroupMarker, Long> {

}
