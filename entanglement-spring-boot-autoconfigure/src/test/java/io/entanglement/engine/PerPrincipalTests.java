package io.entanglement.engine;

import java.security.Principal;
import java.util.concurrent.atomic.AtomicInteger;

import io.entanglement.SyncViewer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PerPrincipal}.
 *
 * @author Entanglement
 */
class PerPrincipalTests {

	private final PerPrincipal<String> values = new PerPrincipal<>();

	private final AtomicInteger computed = new AtomicInteger();

	@Test
	void aValueIsWorkedOutOncePerPrincipalObjectGarbageCollectionsNotwithstanding() {
		Principal alice = () -> "alice";
		for (int i = 0; i < 3; i++) {
			assertThat(this.values.get(alice, this::compute)).isEqualTo("alice#1");
			System.gc();
		}
		assertThat(this.computed).hasValue(1);
	}

	@Test
	void principalsAreToldApartByIdentityNotByEquality() {
		Principal first = new Named("alice");
		Principal second = new Named("alice");
		assertThat(first).isEqualTo(second);
		assertThat(this.values.get(first, this::compute)).isEqualTo("alice#1");
		assertThat(this.values.get(second, this::compute)).isEqualTo("alice#2");
		assertThat(this.values.get(first, this::compute)).isEqualTo("alice#1");
	}

	@Test
	void aViewerKeepsItsPrincipalsValueAndViewersOfTheSamePrincipalShareIt() {
		Principal alice = () -> "alice";
		SyncViewer session = new SyncViewer("s1", alice);
		assertThat(this.values.get(session, this::compute)).isEqualTo("alice#1");
		assertThat(session.<String>remember(this.values, (v) -> "not asked")).isEqualTo("alice#1");
		// A viewer made for one request finds the value of the principal in use.
		assertThat(this.values.get(new SyncViewer("request", alice), this::compute)).isEqualTo("alice#1");
		assertThat(this.computed).hasValue(1);
	}

	@Test
	void anAnonymousViewerHasNoValue() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.values.get(new SyncViewer("s1", null), this::compute))
			.withMessageContaining("anonymous");
		assertThat(this.computed).hasValue(0);
	}

	private String compute(Principal principal) {
		return principal.getName() + "#" + this.computed.incrementAndGet();
	}

	private record Named(String getName) implements Principal {
	}

}
