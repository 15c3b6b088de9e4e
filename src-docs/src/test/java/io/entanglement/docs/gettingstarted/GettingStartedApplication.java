package io.entanglement.docs.gettingstarted;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application of the getting-started guide.
 *
 * @author Entanglement
 */
// tag::application[]
@SpringBootApplication
public class GettingStartedApplication {

	public static void main(String[] args) {
		SpringApplication.run(GettingStartedApplication.class, args);
	}

}
// end::application[]
