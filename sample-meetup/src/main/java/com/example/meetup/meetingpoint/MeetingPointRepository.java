package com.example.meetup.meetingpoint;

import io.entanglement.Entangled;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * The groups' meeting points, synchronized to subscribers of
 * {@code /entanglement/meetingPoint} who may see them.
 *
 * @author Entanglement
 */
@Entangled("meetingPoint")
public interface MeetingPointRepository extends JpaRepository<MeetingPoint, String> {

}
