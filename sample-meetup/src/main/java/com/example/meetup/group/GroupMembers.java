package com.example.meetup.group;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.example.meetup.security.DemoUsers;
import io.entanglement.AccessScope;
import io.entanglement.SyncViewer;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Component;

/**
 * Who is in which group, held in memory: the {@code MeetupPolicy} asks for every delivery
 * of a presence or a chat message, so the answer must not touch the database.
 * {@link Memberships} keeps it current.
 *
 * @author Entanglement
 */
@Component
public class GroupMembers {

	private volatile Map<String, Membership> memberships = Map.of();

	/** The memberships as they were before a change, while Entanglement compares. */
	private final ThreadLocal<@Nullable Map<String, Membership>> before = new ThreadLocal<>();

	/**
	 * Whether the viewer takes part in a group: a member, or staff.
	 * @param viewer the viewer
	 * @param group the group's id
	 * @return whether they see the group's presence and chat, and may post there
	 */
	public boolean takesPart(SyncViewer viewer, @Nullable String group) {
		Membership membership = (group != null) ? current().get(group) : null;
		if (membership == null || viewer.name() == null) {
			return false;
		}
		return membership.members().contains(viewer.name()) || isStaff(viewer);
	}

	/**
	 * The label of a group.
	 * @param group the group's id
	 * @return its label, {@code null} for an open group or an unknown one
	 */
	public @Nullable String labelOf(@Nullable String group) {
		Membership membership = (group != null) ? current().get(group) : null;
		return (membership != null) ? membership.label() : null;
	}

	/**
	 * The ids of the groups a person is a member of.
	 * @param person the person's user name
	 * @return the group ids, sorted
	 */
	public List<String> groupsOf(String person) {
		return current().entrySet()
			.stream()
			.filter((entry) -> entry.getValue().members().contains(person))
			.map(Map.Entry::getKey)
			.sorted()
			.toList();
	}

	/**
	 * Whether the members and label held for a group are those it has.
	 * @param group the group
	 * @return whether {@link #update(Collection)} would change nothing for it
	 */
	boolean holds(Group group) {
		return Membership.of(group).equals(this.memberships.get(group.getId()));
	}

	/**
	 * Whether taking a group as it is would only widen who takes part in it: whoever does
	 * now still will.
	 * @param group the group
	 * @return whether its label is unchanged and no member is gone
	 */
	boolean onlyWidens(Group group) {
		Membership now = this.memberships.get(group.getId());
		return now == null
				|| (Objects.equals(now.label(), group.getLabel()) && group.getMembers().containsAll(now.members()));
	}

	/**
	 * Take groups' members and labels as they are now.
	 * @param groups the groups
	 */
	synchronized void update(Collection<Group> groups) {
		Map<String, Membership> memberships = new HashMap<>(this.memberships);
		groups.forEach((group) -> memberships.put(group.getId(), Membership.of(group)));
		this.memberships = Map.copyOf(memberships);
	}

	/**
	 * A scope in which the answers are those of now, for Entanglement to compare with the
	 * answers after a change.
	 * @return the scope
	 */
	AccessScope asNow() {
		Map<String, Membership> now = current();
		return (decision) -> {
			this.before.set(now);
			try {
				return decision.getAsBoolean();
			}
			finally {
				this.before.remove();
			}
		};
	}

	private Map<String, Membership> current() {
		Map<String, Membership> before = this.before.get();
		return (before != null) ? before : this.memberships;
	}

	private static boolean isStaff(SyncViewer viewer) {
		if (viewer.principal() instanceof Authentication authentication) {
			for (GrantedAuthority authority : authentication.getAuthorities()) {
				if (DemoUsers.STAFF_AUTHORITY.equals(authority.getAuthority())) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * A group's members and label.
	 */
	private record Membership(@Nullable String label, Set<String> members) {

		static Membership of(Group group) {
			return new Membership(group.getLabel(), Set.copyOf(group.getMembers()));
		}

	}

}
