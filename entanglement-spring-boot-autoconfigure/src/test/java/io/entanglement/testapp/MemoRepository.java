package io.entanglement.testapp;

import java.util.UUID;

import io.entanglement.Entangled;

import org.springframework.data.jpa.repository.JpaRepository;

@Entangled("memo")
public interface MemoRepository extends JpaRepository<Memo, UUID> {

}
