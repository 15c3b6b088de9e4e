package io.entanglement.security;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;

import io.entanglement.SyncViewer;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * The granted authorities of a viewer authenticated by Spring Security, from which its
 * mandatory access clearance is derived.
 *
 * @author Entanglement
 */
public final class SpringSecurityAuthorities implements Function<SyncViewer, Collection<String>> {

	@Override
	public Collection<String> apply(SyncViewer viewer) {
		if (viewer.principal() instanceof Authentication authentication && authentication.isAuthenticated()) {
			return authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList();
		}
		return List.of();
	}

}
