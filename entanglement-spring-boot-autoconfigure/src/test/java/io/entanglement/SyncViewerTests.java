package io.entanglement;

import java.security.Principal;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class SyncViewerTests {

	private final Principal alice = () -> "alice";

	@Test
	void aRememberedValueIsWorkedOutOncePerKeyAndViewer() {
		SyncViewer viewer = new SyncViewer("s1", this.alice);
		AtomicInteger computed = new AtomicInteger();
		Object sids = new Object();
		Object clearance = new Object();
		for (int i = 0; i < 3; i++) {
			assertThat(viewer.<String>remember(sids, (v) -> "sids of " + v.name() + " #" + computed.incrementAndGet()))
				.isEqualTo("sids of alice #1");
			assertThat(viewer.<String>remember(clearance, (v) -> "clearance #" + computed.incrementAndGet()))
				.isEqualTo("clearance #2");
		}
		assertThat(computed).hasValue(2);
		// Another viewer of the same principal remembers its own.
		assertThat(new SyncViewer("s2", this.alice).<String>remember(sids, (v) -> "another")).isEqualTo("another");
	}

	@Test
	void keysAreComparedByIdentity() {
		SyncViewer viewer = new SyncViewer("s1", this.alice);
		viewer.remember(new String("key"), (v) -> 1);
		assertThat(viewer.<Integer>remember(new String("key"), (v) -> 2)).isEqualTo(2);
	}

	@Test
	void aValueCannotBeNull() {
		SyncViewer viewer = new SyncViewer("s1", this.alice);
		assertThatNullPointerException().isThrownBy(() -> viewer.remember(this, (v) -> null))
			.withMessageContaining("remembered value");
		assertThat(viewer.<String>remember(this, (v) -> "later")).isEqualTo("later");
	}

	@Test
	void viewersAreEqualWhenTheirSessionsAndPrincipalsAreWhateverTheyRemember() {
		SyncViewer viewer = new SyncViewer("s1", this.alice);
		SyncViewer same = new SyncViewer("s1", this.alice);
		viewer.remember(this, (v) -> "remembered");
		assertThat(viewer).isEqualTo(same).hasSameHashCodeAs(same);
		assertThat(viewer).isNotEqualTo(new SyncViewer("s2", this.alice));
		assertThat(viewer).isNotEqualTo(new SyncViewer("s1", () -> "bob"));
		assertThat(new SyncViewer("s1", null)).isEqualTo(new SyncViewer("s1", null));
		assertThat(new SyncViewer("s1", null).isAuthenticated()).isFalse();
		assertThat(new SyncViewer("s1", null).name()).isNull();
		assertThat(viewer).hasToString("SyncViewer[sessionId=s1, principal=" + this.alice + "]");
	}

}
