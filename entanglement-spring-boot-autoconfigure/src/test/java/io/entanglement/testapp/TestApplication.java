package io.entanglement.testapp;

import io.entanglement.SyncChange;
import io.entanglement.SyncPolicy;
import io.entanglement.SyncViewer;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A small application using Entanglement as a user would: one entangled repository, HTTP
 * Basic on the handshake.
 */
@SpringBootApplication
public class TestApplication {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.httpBasic(Customizer.withDefaults())
			.formLogin(Customizer.withDefaults());
		return http.build();
	}

	/**
	 * Authenticated viewers see everything, except objects named {@code secret-...},
	 * which only their owner sees. Every decision about {@code mallory} throws, as a
	 * policy with a bug would.
	 */
	@Bean
	SyncPolicy syncPolicy() {
		return new SyncPolicy() {

			@Override
			public boolean maySee(SyncViewer viewer, SyncChange change) {
				if ("mallory".equals(viewer.name())) {
					throw new IllegalStateException("A policy that fails for mallory");
				}
				return viewer.isAuthenticated()
						&& (!isSecret(change) || java.util.Objects.equals(viewer.name(), change.owner()));
			}

			@Override
			public String accessState(SyncChange change) {
				return isSecret(change) ? "secret, owned by " + change.owner() : "open";
			}

			private boolean isSecret(SyncChange change) {
				return change.state().get("name") instanceof String name && name.startsWith("secret-");
			}

		};
	}

	@Bean
	UserDetailsService users() {
		InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(
				User.withUsername("alice").password("{noop}password").roles("USER").build(),
				User.withUsername("bob").password("{noop}password").roles("USER").build(),
				User.withUsername("erin").password("{noop}password").roles("USER", "STAFF").build(),
				User.withUsername("mallory").password("{noop}password").roles("USER").build());
		// A plain UserDetailsService: the manager would upgrade the passwords to BCrypt
		// on the first login, and every handshake would then pay for BCrypt.
		return users::loadUserByUsername;
	}

}
