package com.example.meetup.security;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import com.example.meetup.chat.ChatMessage;
import com.example.meetup.group.GroupMembers;
import io.entanglement.MandatoryAccessControl;
import io.entanglement.Proposal;
import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The meetup's own rules. Entanglement asks them after the mandatory access labels and,
 * for groups, meeting points and locations, after their access control lists (which
 * {@link com.example.meetup.group.Memberships} keeps); every rule must agree.
 * <ul>
 * <li>Presence and chat messages belong to a group: its members and staff see them, and
 * take part (post, show their presence) if they are cleared for the group's label.</li>
 * <li>A presence is changed only by its owner, and carries its group's label.</li>
 * <li>Chat messages are posted, never changed, and hold some text.</li>
 * <li>Groups, meeting points and locations are created by the server; clients may only
 * propose changes to them, where their access control lists let them.</li>
 * </ul>
 *
 * @author Entanglement
 */
@Component
public final class MeetupPolicy implements SyncPolicy {

	private final GroupMembers members;

	private final MandatoryAccessControl labels;

	public MeetupPolicy(GroupMembers members, MandatoryAccessControl labels) {
		this.members = members;
		this.labels = labels;
	}

	// tag::may-see[]
	@Override
	public boolean maySee(SyncViewer viewer, SyncChange change) {
		return switch (change.key().type()) {
			case "presence", "chat" -> this.members.takesPart(viewer, group(change.state()));
			// Groups, meeting points and locations: their access control lists decide.
			default -> true;
		};
	}
	// end::may-see[]

	// What maySee reads of an object: a returning client is then not reset for changes to
	// other groups' objects.
	@Override
	public String accessState(SyncChange change) {
		return switch (change.key().type()) {
			case "presence", "chat" -> Objects.toString(group(change.state()), "");
			default -> "";
		};
	}

	@Override
	public boolean mayPropose(SyncViewer viewer, @Nullable SyncChange current, Proposal proposal) {
		return switch (proposal.type()) {
			case "presence" -> mayChangePresence(viewer, current, proposal);
			case "chat" -> current == null && mayTakePartIn(viewer, group(proposal.state()))
					&& isText(proposal.state().get("text"));
			// Groups, meeting points and locations: the server creates them, nobody
			// deletes them.
			default -> current != null && !proposal.delete();
		};
	}

	private boolean mayChangePresence(SyncViewer viewer, @Nullable SyncChange current, Proposal proposal) {
		if (current != null && !Objects.equals(current.owner(), viewer.name())) {
			return false;
		}
		if (proposal.delete()) {
			return true;
		}
		Map<String, @Nullable Object> state = new HashMap<>((current != null) ? current.state() : Map.of());
		state.putAll(proposal.state());
		String group = group(state);
		return mayTakePartIn(viewer, group) && Objects.equals(state.get("label"), this.members.labelOf(group));
	}

	/**
	 * Members and staff take part in a group (post messages, show their presence) if they
	 * may see it: a member who is not cleared for the group's label is not even told that
	 * it exists.
	 */
	private boolean mayTakePartIn(SyncViewer viewer, @Nullable String group) {
		return this.members.takesPart(viewer, group) && this.labels.dominates(viewer, this.members.labelOf(group));
	}

	private static @Nullable String group(Map<String, @Nullable Object> state) {
		return (state.get("group") instanceof String group) ? group : null;
	}

	private static boolean isText(@Nullable Object text) {
		return text instanceof String string && !string.isBlank() && string.length() <= ChatMessage.MAX_LENGTH;
	}

}
