package io.entanglement.engine;

import java.security.Principal;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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

	private String compute(Principal principal) {
		return principal.getName() + "#" + this.computed.incrementAndGet();
	}

	private record Named(String getName) implements Principal {
	}

}
