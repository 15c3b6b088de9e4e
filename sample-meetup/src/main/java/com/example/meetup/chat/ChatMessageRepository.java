package com.example.meetup.chat;

import java.util.List;

import io.entanglement.Entangled;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * The groups' chat messages, synchronized to subscribers of {@code /entanglement/chat}.
 * Every version of every message is delivered, in order: a chat must not skip a message
 * when a connection is slow.
 *
 * @author Entanglement
 */
// tag::repository[]
@Entangled(value = "chat", coalesce = false)
public interface ChatMessageRepository extends JpaRepository<ChatMessage, Long> {

	// end::repository[]

	List<ChatMessage> findByGroupId(String group);

}
