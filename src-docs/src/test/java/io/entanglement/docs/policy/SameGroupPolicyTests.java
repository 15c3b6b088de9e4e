package io.entanglement.docs.policy;

import java.util.Map;

import io.entanglement.ObjectKey;
import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;
import io.entanglement.autoconfigure.EntanglementAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.authentication.TestingAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the policy shown in the reference guide.
 *
 * @author Entanglement
 */
class SameGroupPolicyTests {

	private static final ObjectKey KEY = new ObjectKey("location", "42");

	private final SyncPolicy policy = new PolicyConfiguration().syncPolicy();

	@Test
	void membersOfTheOwnersGroupSeeTheObject() {
		assertThat(this.policy.maySee(viewer("bob"), aliceMoved())).isTrue();
		assertThat(this.policy.maySee(viewer("alice"), aliceMoved())).isTrue();
	}

	@Test
	void othersDoNotSeeTheObject() {
		assertThat(this.policy.maySee(viewer("carol"), aliceMoved())).isFalse();
		assertThat(this.policy.maySee(viewer("mallory"), aliceMoved())).isFalse();
		assertThat(this.policy.maySee(new SyncViewer("s1", null), aliceMoved())).isFalse();
	}

	@Test
	void theAccessStateChangesWhenTheObjectPassesToAnotherGroupOnly() {
		SyncChange bobMoved = SyncChange.upsert(KEY, "bob", 8, Map.of("lat", 45.75, "lng", 4.85));
		SyncChange carolMoved = SyncChange.upsert(KEY, "carol", 9, Map.of("lat", 48.85, "lng", 2.35));
		assertThat(this.policy.accessState(bobMoved)).isEqualTo(this.policy.accessState(aliceMoved()));
		assertThat(this.policy.accessState(carolMoved)).isNotEqualTo(this.policy.accessState(aliceMoved()));
	}

	@Test
	void deletesReachEveryAuthenticatedViewerButNoAnonymousOne() {
		SyncChange delete = SyncChange.delete(KEY, 8);
		assertThat(this.policy.maySee(viewer("carol"), delete)).isTrue();
		assertThat(this.policy.maySee(new SyncViewer("s1", null), delete)).isFalse();
	}

	@Test
	void policyBeanReplacesTheDefaultPolicy() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, EntanglementAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:policy;DB_CLOSE_DELAY=-1")
			.withUserConfiguration(PolicyConfiguration.class)
			.run((context) -> assertThat(context).getBean(SyncPolicy.class).isInstanceOf(SameGroupPolicy.class));
	}

	private static SyncChange aliceMoved() {
		return SyncChange.upsert(KEY, "alice", 7, Map.of("lat", 45.76, "lng", 4.84));
	}

	private static SyncViewer viewer(String name) {
		return new SyncViewer("session-of-" + name, new TestingAuthenticationToken(name, null));
	}

}
