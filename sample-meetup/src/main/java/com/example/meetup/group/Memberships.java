package com.example.meetup.group;

import java.util.ArrayList;
import java.util.List;

import com.example.meetup.chat.ChatMessage;
import com.example.meetup.chat.ChatMessageRepository;
import com.example.meetup.location.Location;
import com.example.meetup.location.LocationRepository;
import com.example.meetup.security.DemoUsers;
import io.entanglement.AccessChanges;
import io.entanglement.AccessScope;
import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.memory.EphemeralStore;
import io.entanglement.security.EntanglementAcl;

import org.springframework.security.acls.domain.BasePermission;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Joins and leaves groups, and keeps what membership lets people see in step.
 * <p>
 * Groups, meeting points and locations are governed by access control lists
 * ({@code entanglement.security.acl.types}): each member may see the group, see its
 * meeting point and propose moves of it, and see the other members' locations; staff may
 * see all of them. Presence and chat messages have no lists of their own: the
 * {@code MeetupPolicy} asks {@link GroupMembers} whether a viewer takes part in their
 * group.
 * <p>
 * A labelled group shares no locations: a location carries no label, so sharing it
 * through the group would show members who are not cleared for the group where the others
 * are. Its members still see each other's locations through their open groups.
 * <p>
 * Every change is live: when a join or a leave commits, whoever lost access is told to
 * forget what they may no longer see, and whoever gained it receives it.
 *
 * @author Entanglement
 */
@Service
public class Memberships {

	private final GroupRepository groups;

	private final GroupMembers members;

	private final LocationRepository locations;

	private final ChatMessageRepository messages;

	private final EphemeralStore presence;

	private final EntanglementAcl acl;

	private final AccessChanges accessChanges;

	public Memberships(GroupRepository groups, GroupMembers members, LocationRepository locations,
			ChatMessageRepository messages, EphemeralStore presence, EntanglementAcl acl, AccessChanges accessChanges) {
		this.groups = groups;
		this.members = members;
		this.locations = locations;
		this.messages = messages;
		this.presence = presence;
		this.acl = acl;
		this.accessChanges = accessChanges;
	}

	/**
	 * Grant every group's members and staff what they may see, as the groups are now.
	 * Grants that exist already change nothing, so this can run at every start. Like a
	 * join, it is live: whoever may now see a group's chat and presence receives them,
	 * even a client that subscribed while the app was still starting.
	 */
	@Transactional
	public void shareAll() {
		List<Group> all = this.groups.findAll();
		for (Group group : all) {
			if (!this.members.holds(group)) {
				groupAccessChanging(group, this.members.onlyWidens(group));
			}
			this.acl.grantAuthority("group", group.getId(), DemoUsers.STAFF_AUTHORITY, BasePermission.READ);
			this.acl.grantAuthority("meetingPoint", group.getId(), DemoUsers.STAFF_AUTHORITY, BasePermission.READ);
			for (String member : group.getMembers()) {
				share(group, member);
			}
		}
		for (Location location : this.locations.findAll()) {
			this.acl.grantAuthority("location", String.valueOf(location.getId()), DemoUsers.STAFF_AUTHORITY,
					BasePermission.READ);
		}
		afterCommit(() -> this.members.update(all));
	}

	/**
	 * Add a person to a group: they see it, its meeting point, its chat and who is online
	 * in it, and they and the other members see each other's locations.
	 * @param groupId the group's id
	 * @param person the person's user name
	 */
	@Transactional
	public void join(String groupId, String person) {
		Group group = this.groups.findById(groupId).orElseThrow();
		if (group.hasMember(person)) {
			return;
		}
		groupAccessChanging(group, true);
		group.addMember(person);
		share(group, person);
		afterCommit(() -> this.members.update(List.of(group)));
	}

	/**
	 * Take a person out of a group: they forget it, its meeting point, its chat and its
	 * members' locations (unless they share another open group), and the others forget
	 * theirs. The organizer cannot leave.
	 * @param groupId the group's id
	 * @param person the person's user name
	 */
	@Transactional
	public void leave(String groupId, String person) {
		Group group = this.groups.findById(groupId).orElseThrow();
		if (!group.hasMember(person)) {
			return;
		}
		if (person.equals(group.getOrganizer())) {
			throw new IllegalArgumentException(person + " organizes " + groupId + " and cannot leave it");
		}
		groupAccessChanging(group, false);
		group.removeMember(person);
		this.acl.revokeUser("group", groupId, person, BasePermission.READ);
		this.acl.revokeUser("meetingPoint", groupId, person, BasePermission.READ, BasePermission.WRITE);
		if (group.getLabel() == null) {
			for (String other : group.getMembers()) {
				if (!shareOpenGroup(person, other)) {
					this.acl.revokeUser("location", locationOf(other), person, BasePermission.READ);
					this.acl.revokeUser("location", locationOf(person), other, BasePermission.READ);
				}
			}
		}
		afterCommit(() -> {
			this.members.update(List.of(group));
			goOffline(groupId, person);
		});
	}

	// tag::share[]
	private void share(Group group, String member) {
		this.acl.grantUser("group", group.getId(), member, BasePermission.READ);
		this.acl.grantUser("meetingPoint", group.getId(), member, BasePermission.READ, BasePermission.WRITE);
		if (group.getLabel() == null) {
			for (String other : group.getMembers()) {
				if (!other.equals(member)) {
					this.acl.grantUser("location", locationOf(other), member, BasePermission.READ);
					this.acl.grantUser("location", locationOf(member), other, BasePermission.READ);
				}
			}
		}
	}
	// end::share[]

	private boolean shareOpenGroup(String person, String other) {
		return this.groups.findAll()
			.stream()
			.anyMatch((group) -> group.getLabel() == null && group.hasMember(person) && group.hasMember(other));
	}

	private String locationOf(String person) {
		return String.valueOf(this.locations.findByPerson(person).orElseThrow().getId());
	}

	/**
	 * Chat messages and presence have no access control list: announce that who may see
	 * the group's messages and who is online in it changes, deciding "before" as the
	 * members are now. A new member only widens who sees them.
	 * @param group the group whose members change
	 * @param widening whether whoever takes part in the group now still will
	 */
	private void groupAccessChanging(Group group, boolean widening) {
		AccessScope before = this.members.asNow();
		List<ObjectKey> keys = new ArrayList<>();
		for (ChatMessage message : this.messages.findByGroupId(group.getId())) {
			keys.add(new ObjectKey("chat", String.valueOf(message.getId())));
		}
		for (SyncChange online : this.presence.snapshot()) {
			if (group.getId().equals(online.state().get("group"))) {
				keys.add(online.key());
			}
		}
		for (ObjectKey key : keys) {
			if (widening) {
				this.accessChanges.widening(key, before);
			}
			else {
				this.accessChanges.changing(key, before);
			}
		}
	}

	private void goOffline(String groupId, String person) {
		for (SyncChange online : this.presence.snapshot()) {
			if (person.equals(online.owner()) && groupId.equals(online.state().get("group"))) {
				this.presence.remove(online.key().id());
			}
		}
	}

	/**
	 * Run once the transaction commits: the policy sees the new members before
	 * Entanglement compares what each viewer may see before and after the change.
	 */
	private static void afterCommit(Runnable action) {
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCommit() {
				action.run();
			}

		});
	}

}
