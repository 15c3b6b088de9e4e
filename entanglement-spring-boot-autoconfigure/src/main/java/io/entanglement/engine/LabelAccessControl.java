package io.entanglement.engine;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.entanglement.InvalidRequestException;
import io.entanglement.MandatoryAccessControl;
import io.entanglement.SyncViewer;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The default {@link MandatoryAccessControl}: labels and clearances read
 * {@code LEVEL:CATEGORY,CATEGORY}; a clearance dominates a label when its level is at
 * least the label's and its categories include the label's. A viewer's clearance combines
 * the clearances mapped to its authorities (highest level, all categories); a viewer
 * without any has the lowest level and no category.
 *
 * @author Entanglement
 */
public final class LabelAccessControl implements MandatoryAccessControl {

	private static final int MAX_CACHED_LABELS = 1024;

	private static final Pattern CATEGORY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private final List<String> levels;

	private final Map<String, Label> clearances;

	private final Function<SyncViewer, Collection<String>> authorities;

	/** Labels as parsed; a deployment uses few distinct labels. */
	private final Map<String, Label> labels = new ConcurrentHashMap<>();

	/** Each principal's clearance, computed once per principal object. */
	private final PerPrincipal<Label> viewerClearances = new PerPrincipal<>();

	/**
	 * Create the access control.
	 * @param levels the levels, lowest first
	 * @param clearances clearance per authority, such as {@code ROLE_STAFF -> SECRET:RED}
	 * @param authorities the authorities of a viewer
	 */
	public LabelAccessControl(List<String> levels, Map<String, String> clearances,
			Function<SyncViewer, Collection<String>> authorities) {
		Assert.notEmpty(levels, "At least one level is needed");
		this.levels = List.copyOf(levels);
		this.authorities = authorities;
		this.clearances = new java.util.HashMap<>();
		clearances.forEach((authority, clearance) -> this.clearances.put(authority, parse(clearance)));
	}

	@Override
	public boolean dominates(SyncViewer viewer, @Nullable String label) {
		if (label == null || label.isEmpty()) {
			return true;
		}
		Label required = this.labels.get(label);
		if (required == null) {
			try {
				required = parse(label);
			}
			catch (InvalidRequestException ex) {
				// A label nobody can read is a label nobody dominates.
				return false;
			}
			if (this.labels.size() >= MAX_CACHED_LABELS) {
				this.labels.clear();
			}
			this.labels.put(label, required);
		}
		Label clearance = viewer.isAuthenticated()
				? this.viewerClearances.get(viewer, (principal) -> clearanceOf(viewer)) : clearanceOf(viewer);
		return clearance.level() >= required.level() && clearance.categories().containsAll(required.categories());
	}

	/**
	 * The highest level and all the categories of the clearances mapped to the viewer's
	 * authorities.
	 */
	private Label clearanceOf(SyncViewer viewer) {
		int level = 0;
		Set<String> categories = new HashSet<>();
		for (String authority : this.authorities.apply(viewer)) {
			Label clearance = this.clearances.get(authority);
			if (clearance != null) {
				level = Math.max(level, clearance.level());
				categories.addAll(clearance.categories());
			}
		}
		return new Label(level, Set.copyOf(categories));
	}

	@Override
	public void validate(String label) {
		parse(label);
	}

	private Label parse(String text) {
		int colon = text.indexOf(':');
		String levelName = (colon < 0) ? text : text.substring(0, colon);
		int level = this.levels.indexOf(levelName);
		if (level < 0) {
			throw new InvalidRequestException("Unknown level in label '" + text + "'");
		}
		Set<String> categories = new HashSet<>();
		if (colon >= 0) {
			for (String category : text.substring(colon + 1).split(",")) {
				if (!CATEGORY.matcher(category).matches()) {
					throw new InvalidRequestException("Malformed category in label '" + text + "'");
				}
				categories.add(category);
			}
		}
		return new Label(level, Set.copyOf(categories));
	}

	private record Label(int level, Set<String> categories) {
	}

}
