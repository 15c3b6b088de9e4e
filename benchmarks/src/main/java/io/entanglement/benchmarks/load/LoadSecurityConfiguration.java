package io.entanglement.benchmarks.load;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Both servers authenticate every request with HTTP Basic, as Node clients do on the
 * WebSocket handshake: users {@code u0} to {@code u9999}, password {@code bench}, each
 * with {@code ROLE_USER} and the authority of its group of ten, {@code GROUP_g} for user
 * {@code u(10g)} to {@code u(10g+9)} (P6).
 *
 * @author Entanglement
 */
@Configuration(proxyBeanMethods = false)
public class LoadSecurityConfiguration {

	/** How many users. */
	public static final int USERS = 10_000;

	/** Users per group. */
	public static final int GROUP_SIZE = 10;

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated());
		http.httpBasic(Customizer.withDefaults());
		// The control endpoints are called by the harness with HTTP Basic, never by a
		// browser.
		http.csrf((csrf) -> csrf.ignoringRequestMatchers("/bench/**"));
		return http.build();
	}

	/**
	 * Users whose passwords stay {@code {noop}}. Not an
	 * {@code InMemoryUserDetailsManager}: being a {@code UserDetailsPasswordService}, it
	 * would upgrade them to BCrypt on the first login, and every handshake would then
	 * spend about 70 ms of CPU checking one.
	 * @return the users
	 */
	@Bean
	UserDetailsService userDetailsService() {
		Map<String, UserDetails> users = IntStream.range(0, USERS)
			.mapToObj((i) -> User.withUsername("u" + i)
				.password("{noop}bench")
				.authorities("ROLE_USER", "GROUP_" + (i / GROUP_SIZE))
				.build())
			.collect(Collectors.toMap(UserDetails::getUsername, Function.identity()));
		return (username) -> {
			UserDetails user = users.get(username);
			if (user == null) {
				throw new UsernameNotFoundException(username);
			}
			return User.withUserDetails(user).build();
		};
	}

}
