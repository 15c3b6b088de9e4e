package io.entanglement;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Names who may see an object, so that deciding who receives a change costs in proportion
 * to the viewers who may see it, not to all viewers. Keys are opaque strings chosen by
 * the policy (a principal name, an authority, a group); a viewer is a candidate for an
 * object when they share a key.
 *
 * @author Entanglement
 * @see SyncPolicy#audience(String)
 */
public interface AudienceIndex {

	/**
	 * The keys a viewer holds. Asked once per subscription.
	 * @param viewer the viewer
	 * @return its keys
	 */
	Set<String> keys(SyncViewer viewer);

	/**
	 * The keys of which a viewer must hold at least one to see the object.
	 * @param change the object's state
	 * @return the keys (empty if nobody may see it), or {@code null} if any viewer may
	 */
	@Nullable Set<String> audience(SyncChange change);

}
