package com.example.meetup.group;

import java.util.ArrayList;
import java.util.List;

import io.entanglement.SecurityLabel;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.jspecify.annotations.Nullable;

/**
 * A group of people who meet up. Groups belong to the server (the node): clients see the
 * groups their access control lists let them see and never change them. A labelled group
 * is seen only by people cleared for its label, whatever its access control list says.
 *
 * @author Entanglement
 */
@Entity
@Table(name = "meetup_group")
public class Group {

	/**
	 * A short name that identifies the group, such as {@code hikers}.
	 */
	@Id
	private String id;

	@Column(nullable = false)
	private String name;

	/**
	 * Who owns the group's meeting point and decides where it goes.
	 */
	@Column(nullable = false)
	private String organizer;

	@Convert(converter = NameList.class)
	@Column(nullable = false, length = 4000)
	private List<String> members = new ArrayList<>();

	/**
	 * The mandatory access control label of the group and of everything that belongs to
	 * it, such as {@code SECRET}; {@code null} for an open group.
	 */
	@SecurityLabel
	private @Nullable String label;

	@Version
	private long version;

	protected Group() {
		// for JPA
	}

	/**
	 * Create a group.
	 * @param id a short name that identifies it
	 * @param name the name people read
	 * @param organizer who organizes it, its first member
	 * @param others its other members
	 * @param label its label, {@code null} for an open group
	 */
	public Group(String id, String name, String organizer, List<String> others, @Nullable String label) {
		this.id = id;
		this.name = name;
		this.organizer = organizer;
		this.label = label;
		this.members.add(organizer);
		others.forEach(this::addMember);
	}

	public String getId() {
		return this.id;
	}

	public String getName() {
		return this.name;
	}

	public String getOrganizer() {
		return this.organizer;
	}

	public List<String> getMembers() {
		return List.copyOf(this.members);
	}

	public boolean hasMember(String person) {
		return this.members.contains(person);
	}

	void addMember(String person) {
		if (!this.members.contains(person)) {
			List<String> members = new ArrayList<>(this.members);
			members.add(person);
			this.members = members;
		}
	}

	void removeMember(String person) {
		List<String> members = new ArrayList<>(this.members);
		members.remove(person);
		this.members = members;
	}

	public @Nullable String getLabel() {
		return this.label;
	}

	public long getVersion() {
		return this.version;
	}

}
