package io.entanglement.jpa;

import io.entanglement.Entangled;

import org.springframework.data.jpa.repository.JpaRepository;

@Entangled("point")
public interface TrackedPointRepository extends JpaRepository<TrackedPoint, String> {

}
