package com.example.meetup.security;

import java.util.List;

import org.springframework.boot.security.autoconfigure.web.servlet.PathRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Everything but the sign-in page and the static assets needs a signed-in user: browsers
 * sign in with a form (the session cookie then authenticates the WebSocket handshake),
 * scripts and other clients send HTTP Basic.
 *
 * @author Entanglement
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests(
				(requests) -> requests.requestMatchers(PathRequest.toStaticResources().atCommonLocations())
					.permitAll()
					.requestMatchers("/error")
					.permitAll()
					.anyRequest()
					.authenticated());
		http.formLogin((form) -> form.loginPage("/login").permitAll());
		http.logout((logout) -> logout.logoutSuccessUrl("/login?logout").permitAll());
		http.httpBasic(Customizer.withDefaults());
		return http.build();
	}

	@Bean
	UserDetailsService userDetailsService() {
		// Demo users only: {noop} stores the password in clear text.
		List<UserDetails> users = DemoUsers.NAMES.stream().map(SecurityConfiguration::user).toList();
		return new InMemoryUserDetailsManager(users);
	}

	private static UserDetails user(String name) {
		String[] roles = DemoUsers.STAFF.contains(name) ? new String[] { "USER", "STAFF" } : new String[] { "USER" };
		return User.withUsername(name).password("{noop}" + DemoUsers.PASSWORD).roles(roles).build();
	}

}
