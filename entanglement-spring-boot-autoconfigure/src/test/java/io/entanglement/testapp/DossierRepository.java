package io.entanglement.testapp;

import io.entanglement.Entangled;

import org.springframework.data.jpa.repository.JpaRepository;

@Entangled("dossier")
public interface DossierRepository extends JpaRepository<Dossier, Long> {

}
