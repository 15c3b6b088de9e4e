package io.entanglement.stomp;

import io.entanglement.engine.ResumeToken;
import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ViewerFingerprint}.
 */
class ViewerFingerprintTests {

	@Test
	void theFingerprintIsTheUserAndItsAuthoritiesInAnyOrder() {
		String staff = ViewerFingerprint.of(user("erin", "ROLE_USER", "ROLE_STAFF"));
		assertThat(staff).hasSize(12).matches("[0-9a-f]+");
		assertThat(ViewerFingerprint.of(user("erin", "ROLE_STAFF", "ROLE_USER"))).isEqualTo(staff);
		assertThat(ViewerFingerprint.of(user("erin", "ROLE_USER"))).isNotEqualTo(staff);
		assertThat(ViewerFingerprint.of(user("alice", "ROLE_USER", "ROLE_STAFF"))).isNotEqualTo(staff);
		assertThat(ViewerFingerprint.of(() -> "erin")).isNotEqualTo(staff);
		assertThat(ViewerFingerprint.of(null)).isNotEqualTo(ViewerFingerprint.of(() -> "erin"));
	}

	@Test
	void aTokenOfTheSameFingerprintResumesAndOneOfAnotherIsNotResumedFrom() {
		assertThat(ViewerFingerprint.resumable("5eed.7~0a1b2c3d4e5f", "0a1b2c3d4e5f")).isEqualTo("5eed.7");
		assertThat(ViewerFingerprint.resumable("5eed.7~0a1b2c3d4e5f", "ffffffffffff"))
			.isEqualTo(ResumeToken.NONE.toString());
		assertThat(ViewerFingerprint.resumable("5eed.7", "0a1b2c3d4e5f")).isEqualTo("5eed.7");
		assertThat(ViewerFingerprint.resumable(null, "0a1b2c3d4e5f")).isNull();
	}

	private static UsernamePasswordAuthenticationToken user(String name, String... authorities) {
		return UsernamePasswordAuthenticationToken.authenticated(name, null,
				AuthorityUtils.createAuthorityList(authorities));
	}

}
