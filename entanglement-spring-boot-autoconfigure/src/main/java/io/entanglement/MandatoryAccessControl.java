package io.entanglement;

import org.jspecify.annotations.Nullable;

/**
 * Decides mandatory access: whether a viewer's clearance dominates an object's label. The
 * default reads labels as {@code LEVEL:CATEGORY,CATEGORY}; an application plugs in
 * another MAC framework by defining its own bean.
 *
 * @author Entanglement
 */
public interface MandatoryAccessControl {

	/**
	 * Whether the viewer's clearance dominates the label.
	 * @param viewer the viewer
	 * @param label the label, {@code null} or empty for unlabelled objects
	 * @return {@code true} if the viewer may see an object with this label
	 */
	boolean dominates(SyncViewer viewer, @Nullable String label);

	/**
	 * Check that a label is well formed, before a proposal may set it.
	 * @param label the label
	 * @throws InvalidRequestException if it is not a label
	 */
	void validate(String label);

}
