package io.entanglement.jpa;

import io.entanglement.Entangled;

import org.springframework.data.jpa.repository.JpaRepository;

@Entangled("thing")
public interface UnversionedThingRepository extends JpaRepository<UnversionedThing, String> {

}
