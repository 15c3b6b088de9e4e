package io.entanglement.engine;

import java.util.Map;

import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a type keeps of deleted objects for catch-up: their last state, for the version of
 * their deletion, and never more than the type's limit.
 */
class SyncTypeTests {

	private final ChangeEncoder encoder = new ChangeEncoder(JsonMapper.builder().build());

	private final SyncType type = new SyncType(new InMemorySyncStore("point"), this.encoder, null,
			new SyncClock(new InMemoryChangeLog()), 3);

	@Test
	void theLastStateOfADeletedObjectIsKeptForTheVersionOfItsDeletion() {
		SyncChange last = state("a", 4);
		this.type.rememberDeleted(delete("a", 5), last);
		assertThat(this.type.lastStateBeforeDeletion("a", 5)).isSameAs(last);
		assertThat(this.type.lastStateBeforeDeletion("a", 7)).isNull();
		assertThat(this.type.lastStateBeforeDeletion("b", 5)).isNull();
	}

	@Test
	void anObjectCreatedAgainNoLongerKeepsTheStateBeforeItsDeletion() {
		this.type.rememberDeleted(delete("a", 5), state("a", 4));
		this.type.remember(this.encoder.encode(state("a", 1)));
		assertThat(this.type.lastStateBeforeDeletion("a", 5)).isNull();
	}

	@Test
	void theOldestDeletionsAreDroppedBeyondTheLimitEvenWhenTheSameObjectsAreDeletedAgain() {
		for (int i = 0; i < 10; i++) {
			this.type.rememberDeleted(delete("d" + i, 2), state("d" + i, 1));
		}
		assertThat(this.type.lastStateBeforeDeletion("d9", 2)).isNotNull();
		assertThat(this.type.lastStateBeforeDeletion("d6", 2)).isNull();
		assertThat(this.type.keptDeleted()).containsExactly(3, 3);
		// One object created and deleted again and again: the order of deletions stays
		// bounded too, and a newer deletion is not dropped for an older one of the same
		// id.
		for (int version = 2; version < 1000; version += 2) {
			this.type.remember(this.encoder.encode(state("x", version - 1)));
			this.type.rememberDeleted(delete("x", version), state("x", version - 1));
		}
		assertThat(this.type.keptDeleted()[1]).isLessThanOrEqualTo(3);
		assertThat(this.type.lastStateBeforeDeletion("x", 998)).isNotNull();
	}

	private static SyncChange state(String id, long version) {
		return SyncChange.upsert(new ObjectKey("point", id), "owner", version, Map.of("x", version));
	}

	private static SyncChange delete(String id, long version) {
		return SyncChange.delete(new ObjectKey("point", id), version);
	}

}
