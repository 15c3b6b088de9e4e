package com.example.meetup.chat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import com.example.meetup.group.Group;
import io.entanglement.SecurityLabel;
import io.entanglement.SyncOwner;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.PrePersist;
import jakarta.persistence.Version;
import org.jspecify.annotations.Nullable;

/**
 * A message in a group's chat. Clients post messages with proposals that create them; the
 * author owns each message. On the wire, {@code group} is the group's id, which clients
 * filter on.
 *
 * @author Entanglement
 */
@Entity
public class ChatMessage {

	/**
	 * The longest message, in characters.
	 */
	public static final int MAX_LENGTH = 500;

	@Id
	@GeneratedValue
	private @Nullable Long id;

	@SyncOwner
	@Column(nullable = false, updatable = false)
	private String author;

	@ManyToOne(fetch = FetchType.LAZY, optional = false)
	@JoinColumn(name = "group_id", nullable = false, updatable = false)
	private Group group;

	@Column(nullable = false, length = MAX_LENGTH)
	private String text;

	@SecurityLabel
	private @Nullable String label;

	@Column(nullable = false)
	private Instant sentAt;

	@Version
	private long version;

	protected ChatMessage() {
		// for JPA, and for messages that clients post
	}

	public ChatMessage(String author, Group group, String text) {
		this.author = author;
		this.group = group;
		this.text = text;
	}

	/**
	 * A message carries its group's label, so it reaches only those cleared for the
	 * group, whatever label its author proposed.
	 */
	@PrePersist
	void post() {
		this.label = this.group.getLabel();
		this.sentAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
	}

	public @Nullable Long getId() {
		return this.id;
	}

	public String getAuthor() {
		return this.author;
	}

	public String getText() {
		return this.text;
	}

	public @Nullable String getLabel() {
		return this.label;
	}

	public @Nullable Instant getSentAt() {
		return this.sentAt;
	}

}
