package io.entanglement.engine;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * One read of a change log serves every token at or after the number it was read with.
 *
 * @author Entanglement
 */
class ChangeLogChangesTests {

	private static final List<ChangeLog.Entry> ENTRIES = List.of(entry("a", 2), entry("b", 5), entry("c", 7));

	@Test
	void aTokenGetsTheObjectsChangedAfterIt() {
		ChangeLog.Changes read = new ChangeLog.Changes(0, ENTRIES, 0);
		assertThat(read.since(0)).extracting(ChangeLog.Entry::id).containsExactly("a", "b", "c");
		assertThat(read.since(1)).extracting(ChangeLog.Entry::id).containsExactly("a", "b", "c");
		assertThat(read.since(2)).extracting(ChangeLog.Entry::id).containsExactly("b", "c");
		assertThat(read.since(6)).extracting(ChangeLog.Entry::id).containsExactly("c");
		assertThat(read.since(7)).isEmpty();
		assertThat(read.since(100)).isEmpty();
		assertThat(new ChangeLog.Changes(3, List.of(), 0).since(3)).isEmpty();
	}

	@Test
	void aTokenBelowThePurgeHorizonCannotBeServed() {
		ChangeLog.Changes read = new ChangeLog.Changes(1, ENTRIES.subList(1, 3), 4);
		assertThat(read.since(3)).isNull();
		assertThat(read.since(4)).extracting(ChangeLog.Entry::id).containsExactly("b", "c");
	}

	@Test
	void aTokenBeforeTheReadIsRefused() {
		ChangeLog.Changes read = new ChangeLog.Changes(5, ENTRIES.subList(2, 3), 0);
		assertThatIllegalArgumentException().isThrownBy(() -> read.since(4))
			.withMessage("Read after 5, so it cannot tell what changed after 4");
	}

	private static ChangeLog.Entry entry(String id, long seq) {
		return new ChangeLog.Entry(id, seq, 1, false, 0);
	}

}
