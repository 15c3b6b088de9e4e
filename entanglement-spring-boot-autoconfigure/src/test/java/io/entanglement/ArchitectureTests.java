package io.entanglement;

import java.util.Arrays;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

/**
 * The package rules of the style guide: dependencies point one way, from
 * auto-configuration through adapters and engine to the API, and the API stays free of
 * technology.
 *
 * @author Entanglement
 */
@AnalyzeClasses(packages = "io.entanglement", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

	private static final String[] ADAPTERS = { "io.entanglement.jpa..", "io.entanglement.jdbc..",
			"io.entanglement.memory..", "io.entanglement.stomp..", "io.entanglement.security..",
			"io.entanglement.peer..", "io.entanglement.relay.." };

	@ArchTest
	static final ArchRule apiImportsNoTechnology = noClasses().that()
		.resideInAPackage("io.entanglement")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("org.springframework.boot..", "jakarta.persistence..", "org.hibernate..",
				"org.springframework.data..", "org.springframework.orm..", "org.springframework.jdbc..",
				"org.springframework.messaging..", "org.springframework.web..", "org.springframework.security..",
				"jakarta.websocket..", "tools.jackson..", "com.fasterxml.jackson..")
		.because("the API users touch must not tie them to a technology");

	@ArchTest
	static final ArchRule onlyAutoConfigurationImportsSpringBoot = noClasses().that()
		.resideOutsideOfPackage("io.entanglement.autoconfigure..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("org.springframework.boot..")
		.because("the library works without Spring Boot; only its auto-configuration needs it");

	@ArchTest
	static final ArchRule dependenciesPointOneWay = layeredArchitecture().consideringOnlyDependenciesInLayers()
		.layer("API")
		.definedBy("io.entanglement")
		.layer("Engine")
		.definedBy("io.entanglement.engine..")
		.layer("Adapters")
		.definedBy(ADAPTERS)
		.layer("AutoConfiguration")
		.definedBy("io.entanglement.autoconfigure..")
		.whereLayer("AutoConfiguration")
		.mayNotBeAccessedByAnyLayer()
		.whereLayer("Adapters")
		.mayOnlyBeAccessedByLayers("AutoConfiguration")
		.whereLayer("Engine")
		.mayOnlyBeAccessedByLayers("Adapters", "AutoConfiguration")
		.whereLayer("API")
		.mayOnlyBeAccessedByLayers("Engine", "Adapters", "AutoConfiguration");

	@ArchTest
	static void adaptersDoNotDependOnEachOther(JavaClasses classes) {
		for (String adapter : ADAPTERS) {
			String[] others = Arrays.stream(ADAPTERS).filter((other) -> !other.equals(adapter)).toArray(String[]::new);
			noClasses().that()
				.resideInAPackage(adapter)
				.should()
				.dependOnClassesThat()
				.resideInAnyPackage(others)
				.because("each adapter stands on the engine and the API alone")
				.allowEmptyShould(true)
				.check(classes);
		}
	}

	@ArchTest
	static final ArchRule engineDependsOnNoAdapter = noClasses().that()
		.resideInAPackage("io.entanglement.engine..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage(ADAPTERS)
		.orShould()
		.dependOnClassesThat()
		.resideInAPackage("io.entanglement.autoconfigure..");

	@ArchTest
	static final ArchRule nothingImportsJackson2Databind = noClasses().should()
		.dependOnClassesThat()
		.resideInAPackage("com.fasterxml.jackson.databind..")
		.because("Jackson 3 (tools.jackson) is the mapper; Jackson 2 is only on the classpath for Flyway");

	@ArchTest
	static final ArchRule noGrabBagPackages = classes().should()
		.resideOutsideOfPackages("..util..", "..common..", "..impl..", "..helper..")
		.because("packages are named by role or technology");

}
