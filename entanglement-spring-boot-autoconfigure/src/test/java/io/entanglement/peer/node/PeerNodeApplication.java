package io.entanglement.peer.node;

import java.util.Arrays;
import java.util.List;

import io.entanglement.SyncPolicy;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * One node of a multi-node test: people and the other nodes sign in with HTTP Basic, and
 * {@code node.deny.<user>=<team>,...} hides the waypoints of those teams from that user;
 * while {@code node.fail.<user>} is {@code true}, every decision about that user throws,
 * as a policy with a bug would.
 */
@SpringBootApplication
public class PeerNodeApplication {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.httpBasic(Customizer.withDefaults());
		return http.build();
	}

	@Bean
	SyncPolicy teamPolicy(Environment environment) {
		return (viewer, change) -> {
			if (!viewer.isAuthenticated()) {
				return false;
			}
			if (environment.getProperty("node.fail." + viewer.name(), Boolean.class, false)) {
				throw new IllegalStateException("A policy that fails for " + viewer.name());
			}
			List<String> denied = Arrays.asList(environment.getProperty("node.deny." + viewer.name(), "").split(","));
			return !denied.contains(String.valueOf(change.state().get("team")));
		};
	}

	@Bean
	UserDetailsService users() {
		InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
		for (String name : List.of("alice", "bob", "carol", "node-a", "node-b", "node-c")) {
			users.createUser(User.withUsername(name).password("{noop}password").roles("USER").build());
		}
		return users::loadUserByUsername;
	}

}
