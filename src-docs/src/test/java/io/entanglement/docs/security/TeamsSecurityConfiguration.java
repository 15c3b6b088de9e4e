package io.entanglement.docs.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The users of the security page's worked example and their authorities.
 *
 * @author Entanglement
 */
@Configuration(proxyBeanMethods = false)
public class TeamsSecurityConfiguration {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.httpBasic(Customizer.withDefaults());
		return http.build();
	}

	// tag::users[]
	@Bean
	UserDetailsService users() {
		return new InMemoryUserDetailsManager(User.withUsername("rita").password("{noop}password").roles("RED").build(),
				User.withUsername("rex").password("{noop}password").roles("RED", "CLEARED").build(),
				User.withUsername("ben").password("{noop}password").roles("BLUE").build(),
				User.withUsername("sam").password("{noop}password").roles("STAFF").build());
	}
	// end::users[]

}
