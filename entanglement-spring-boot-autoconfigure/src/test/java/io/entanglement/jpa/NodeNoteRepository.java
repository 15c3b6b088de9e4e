package io.entanglement.jpa;

import io.entanglement.Entangled;

import org.springframework.data.jpa.repository.JpaRepository;

@Entangled("note")
public interface NodeNoteRepository extends JpaRepository<NodeNote, String> {

}
