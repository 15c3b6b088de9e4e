package com.example.meetup.security;

import java.util.List;

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
 * Everything needs a signed-in user: browsers sign in with a form (the session cookie
 * then authenticates the WebSocket handshake), other clients send HTTP Basic.
 *
 * @author Entanglement
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated());
		http.formLogin(Customizer.withDefaults());
		http.httpBasic(Customizer.withDefaults());
		return http.build();
	}

	@Bean
	UserDetailsService userDetailsService() {
		// Demo users only: {noop} stores the password in clear text.
		List<UserDetails> users = DemoUsers.NAMES.stream()
			.map((name) -> User.withUsername(name).password("{noop}" + DemoUsers.PASSWORD).roles("USER").build())
			.toList();
		return new InMemoryUserDetailsManager(users);
	}

}
