package io.entanglement.stomp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import io.entanglement.engine.ResumeToken;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * Who a resume token was handed to: a short hash of the user's name and granted
 * authorities, which decide its clearance and the identities access control lists name.
 * Each frame's token carries the fingerprint of its session after a {@code ~}; a session
 * that resumes with a token of another fingerprint (another user, an authority added or
 * removed while away) is not caught up but reset, since what its client holds was chosen
 * for that other identity. Tokens without a fingerprint are caught up as before.
 *
 * @author Entanglement
 */
final class ViewerFingerprint {

	/** Between the token and the fingerprint. */
	static final char SEPARATOR = '~';

	private static final boolean SPRING_SECURITY_PRESENT = ClassUtils
		.isPresent("org.springframework.security.core.Authentication", ViewerFingerprint.class.getClassLoader());

	private ViewerFingerprint() {
	}

	/**
	 * The fingerprint of a session's principal.
	 * @param principal the principal, {@code null} for none
	 * @return twelve hex digits
	 */
	static String of(@Nullable Principal principal) {
		StringBuilder identity = new StringBuilder();
		if (principal != null) {
			identity.append(principal.getName());
			if (SPRING_SECURITY_PRESENT) {
				for (String authority : Authorities.of(principal)) {
					identity.append('\n').append(authority);
				}
			}
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(identity.toString().getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 6);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
		}
	}

	/**
	 * The token to resume from for a session: the token a client sent without its
	 * fingerprint, or, if the fingerprint is another session's, {@link ResumeToken#NONE},
	 * which is never caught up and so resets the client.
	 * @param since the {@code entanglement-since} header, {@code null} if absent
	 * @param fingerprint the fingerprint of the resuming session
	 * @return the token to resume from, {@code null} if none was sent
	 */
	static @Nullable String resumable(@Nullable String since, String fingerprint) {
		if (since == null) {
			return null;
		}
		int separator = since.indexOf(SEPARATOR);
		if (separator < 0) {
			return since;
		}
		String token = since.substring(0, separator);
		if (since.substring(separator + 1).equals(fingerprint)) {
			return token;
		}
		// Checked like any token, then not resumed from: what the client holds was chosen
		// for another identity.
		ResumeToken.parse(token);
		return ResumeToken.NONE.toString();
	}

	/**
	 * Isolates Spring Security, which the starter does not require.
	 */
	private static final class Authorities {

		static List<String> of(Principal principal) {
			if (principal instanceof org.springframework.security.core.Authentication authentication) {
				return authentication.getAuthorities()
					.stream()
					.map(org.springframework.security.core.GrantedAuthority::getAuthority)
					.filter(Objects::nonNull)
					.sorted()
					.toList();
			}
			return List.of();
		}

	}

}
