package io.entanglement.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TomcatWebSocketBufferSize}. Each restores the system property it
 * found.
 *
 * @author Entanglement
 */
class TomcatWebSocketBufferSizeTests {

	private @Nullable String found;

	@BeforeEach
	void clear() {
		this.found = System.clearProperty(TomcatWebSocketBufferSize.SYSTEM_PROPERTY);
	}

	@AfterEach
	void restore() {
		if (this.found != null) {
			System.setProperty(TomcatWebSocketBufferSize.SYSTEM_PROPERTY, this.found);
		}
		else {
			System.clearProperty(TomcatWebSocketBufferSize.SYSTEM_PROPERTY);
		}
	}

	@Test
	void setsTomcatsBufferSizeToTwoKilobytesByDefault() {
		apply(new MockEnvironment());
		assertThat(System.getProperty(TomcatWebSocketBufferSize.SYSTEM_PROPERTY)).isEqualTo("2048");
	}

	@Test
	void setsTheConfiguredSize() {
		apply(new MockEnvironment().withProperty("entanglement.stomp.container-buffer-size", "4KB"));
		assertThat(System.getProperty(TomcatWebSocketBufferSize.SYSTEM_PROPERTY)).isEqualTo("4096");
	}

	@Test
	void keepsASizeGivenOnTheCommandLine() {
		System.setProperty(TomcatWebSocketBufferSize.SYSTEM_PROPERTY, "16384");
		apply(new MockEnvironment());
		assertThat(System.getProperty(TomcatWebSocketBufferSize.SYSTEM_PROPERTY)).isEqualTo("16384");
	}

	@Test
	void zeroKeepsTomcatsDefault() {
		apply(new MockEnvironment().withProperty("entanglement.stomp.container-buffer-size", "0"));
		assertThat(System.getProperty(TomcatWebSocketBufferSize.SYSTEM_PROPERTY)).isNull();
	}

	@Test
	void setsNothingWhenEntanglementIsSwitchedOff() {
		apply(new MockEnvironment().withProperty("entanglement.enabled", "false"));
		assertThat(System.getProperty(TomcatWebSocketBufferSize.SYSTEM_PROPERTY)).isNull();
	}

	private static void apply(MockEnvironment environment) {
		new TomcatWebSocketBufferSize().postProcessEnvironment(environment, new SpringApplication());
	}

}
