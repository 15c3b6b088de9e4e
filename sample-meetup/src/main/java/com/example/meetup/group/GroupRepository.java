package com.example.meetup.group;

import io.entanglement.Entangled;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * The groups, synchronized to subscribers of {@code /entanglement/group} who may see
 * them.
 *
 * @author Entanglement
 */
@Entangled("group")
public interface GroupRepository extends JpaRepository<Group, String> {

}
