package io.entanglement.docs.policy;

import java.util.Map;

import io.entanglement.SyncPolicy;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the reference guide's policy in place of the default one.
 *
 * @author Entanglement
 */
// tag::configuration[]
@Configuration(proxyBeanMethods = false)
public class PolicyConfiguration {

	@Bean
	SyncPolicy syncPolicy() {
		return new SameGroupPolicy(Map.of("alice", "lyon", "bob", "lyon", "carol", "paris"));
	}

}
// end::configuration[]
