package io.entanglement.peer.node;

import io.entanglement.Entangled;

import org.springframework.data.jpa.repository.JpaRepository;

@Entangled("waypoint")
public interface WaypointRepository extends JpaRepository<Waypoint, String> {

}
