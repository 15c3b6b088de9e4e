package io.entanglement.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EntanglementWebClientAutoConfiguration}.
 *
 * @author Entanglement
 */
class EntanglementWebClientAutoConfigurationTests {

	private static final String RESOURCES = "entanglementWebClientResources";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DispatcherServletAutoConfiguration.class,
				WebMvcAutoConfiguration.class, EntanglementWebClientAutoConfiguration.class));

	@Test
	void servesTheClientAndTheStompClientItImports() {
		this.contextRunner.run((context) -> {
			MockMvcTester mvc = MockMvcTester.from(context);
			assertThat(mvc.get().uri("/entanglement/entanglement.js")).hasStatusOk()
				.bodyText()
				.contains("from './stompjs/index.js'");
			assertThat(mvc.get().uri("/entanglement/stompjs/index.js")).hasStatusOk()
				.hasContentTypeCompatibleWith(MediaType.parseMediaType("text/javascript"))
				.bodyText()
				.contains("export * from './client.js'");
			assertThat(mvc.get().uri("/entanglement/stompjs/client.js")).hasStatusOk();
			assertThat(mvc.get().uri("/entanglement/entanglement.d.ts")).hasStatusOk();
		});
	}

	@Test
	void servesOnlyTheWebjarsEsModules() {
		this.contextRunner.run((context) -> {
			MockMvcTester mvc = MockMvcTester.from(context);
			assertThat(mvc.get().uri("/entanglement/stompjs/package.json")).hasStatus4xxClientError();
			assertThat(mvc.get().uri("/entanglement/stompjs/%2e%2e/package.json")).hasStatus4xxClientError();
			assertThat(mvc.get().uri("/entanglement/stompjs/bundles/stomp.umd.js")).hasStatus4xxClientError();
		});
	}

	@Test
	void locationIsTheWebjarOnTheClassPath() {
		String location = EntanglementWebClientAutoConfiguration.stompJsLocation();
		assertThat(location).startsWith("classpath:/META-INF/resources/webjars/stomp__stompjs/").endsWith("/esm6/");
		assertThat(new ClassPathResource(location.substring("classpath:".length()) + "index.js").exists()).isTrue();
	}

	@Test
	void backsOffWithoutTheWebjar() {
		this.contextRunner
			.withClassLoader(new FilteredClassLoader(
					new ClassPathResource(EntanglementWebClientAutoConfiguration.STOMPJS_POM_PROPERTIES)))
			.run((context) -> assertThat(context).doesNotHaveBean(RESOURCES));
	}

	@Test
	void backsOffWithoutSpringMvc() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(WebMvcConfigurer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RESOURCES));
	}

	@Test
	void backsOffOutsideAServletWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EntanglementWebClientAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RESOURCES));
	}

	@Test
	void switchedOffWithEntanglement() {
		this.contextRunner.withPropertyValues("entanglement.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RESOURCES));
	}

}
