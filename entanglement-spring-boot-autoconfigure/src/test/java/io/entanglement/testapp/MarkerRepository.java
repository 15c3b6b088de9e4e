package io.entanglement.testapp;

import io.entanglement.Entangled;

import org.springframework.data.jpa.repository.JpaRepository;

@Entangled("marker")
public interface MarkerRepository extends JpaRepository<Marker, Long> {

}
