package io.entanglement.autoconfigure;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.entanglement.StoreWrite;
import io.entanglement.SyncChange;
import io.entanglement.SyncStore;
import io.entanglement.engine.SyncManager;
import io.entanglement.jdbc.JdbcPeerState;
import io.entanglement.peer.PeerLink;
import io.entanglement.peer.PeerLinks;
import io.entanglement.peer.PeerSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.messaging.WebSocketStompClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EntanglementPeerAutoConfiguration}.
 *
 * @author Entanglement
 */
class EntanglementPeerAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
				EntanglementAutoConfiguration.class, EntanglementPeerAutoConfiguration.class))
		.withBean("waypointStore", SyncStore.class, () -> new NamedStore("waypoint"))
		.withBean("markerStore", SyncStore.class, () -> new NamedStore("marker"));

	@Test
	void withoutPeersThereAreNoLinksAndMirroredObjectsAreStillRemembered() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(PeerLinks.class);
			assertThat(context.getBean(PeerLinks.class).links()).isEmpty();
			assertThat(context.getBean(SyncManager.class).peerState()).isInstanceOf(JdbcPeerState.class);
		});
	}

	@Test
	void eachPeerBecomesALinkWithItsCredentialsTypesFiltersAndByteBudget() {
		this.contextRunner
			.withPropertyValues("entanglement.peers[0].name=hub",
					"entanglement.peers[0].url=ws://localhost:1/entanglement", "entanglement.peers[0].username=node-b",
					"entanglement.peers[0].password=secret", "entanglement.peers[0].types=waypoint,marker",
					"entanglement.peers[0].filters.waypoint.team=red",
					"entanglement.peers[0].max-bytes-per-second=64KB", "entanglement.peers[0].on-removal=clear",
					"entanglement.peers[1].name=other", "entanglement.peers[1].url=wss://other/entanglement",
					"entanglement.peers[1].token=t0ken", "entanglement.peers[1].types=marker")
			.run((context) -> {
				PeerLinks links = context.getBean(PeerLinks.class);
				PeerSettings hub = links.link("hub").settings();
				assertThat(hub.headers().getFirst(HttpHeaders.AUTHORIZATION)).startsWith("Basic ");
				assertThat(hub.types()).isEqualTo(Map.of("waypoint", Map.of("team", "red"), "marker", Map.of()));
				assertThat(hub.maxBytesPerSecond()).isEqualTo(64 * 1024);
				assertThat(hub.onRemoval()).isEqualTo(PeerSettings.Removal.CLEAR);
				PeerSettings other = links.link("other").settings();
				assertThat(other.headers().getFirst(HttpHeaders.AUTHORIZATION)).isEqualTo("Bearer t0ken");
				assertThat(other.onRemoval()).isEqualTo(PeerSettings.Removal.KEEP);
				assertThat(links.links()).extracting(PeerLink::isConnected).containsOnly(false);
			});
	}

	@Test
	void aDisabledPeerIsNotLinked() {
		this.contextRunner
			.withPropertyValues("entanglement.peers[0].name=hub",
					"entanglement.peers[0].url=ws://localhost:1/entanglement", "entanglement.peers[0].types=waypoint",
					"entanglement.peers[0].enabled=false")
			.run((context) -> assertThat(context.getBean(PeerLinks.class).links()).isEmpty());
	}

	@Test
	void aPeerMirroringATypeThisNodeDoesNotSynchronizeFailsAtStartup() {
		this.contextRunner
			.withPropertyValues("entanglement.peers[0].name=hub",
					"entanglement.peers[0].url=ws://localhost:1/entanglement", "entanglement.peers[0].types=unknown")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("mirrors type 'unknown', which is not synchronized on this node"));
	}

	@Test
	void anSslBundleWithoutBundlesFailsNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("entanglement.peers[0].name=hub", "entanglement.peers[0].url=wss://hub/entanglement",
					"entanglement.peers[0].types=waypoint", "entanglement.peers[0].ssl-bundle=hub")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("spring.ssl.bundle"));
	}

	@Test
	void withoutAWebSocketClientThereAreNoLinks() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(WebSocketStompClient.class))
			.run((context) -> assertThat(context).doesNotHaveBean(PeerLinks.class));
	}

	/**
	 * A store that holds nothing, so a type exists.
	 */
	private record NamedStore(String type) implements SyncStore {

		@Override
		public List<SyncChange> snapshot() {
			return List.of();
		}

		@Override
		public List<SyncChange> load(Collection<String> ids) {
			return List.of();
		}

		@Override
		public Set<String> attributes() {
			return Set.of();
		}

		@Override
		public SyncChange apply(StoreWrite write) {
			throw new UnsupportedOperationException();
		}

	}

}
