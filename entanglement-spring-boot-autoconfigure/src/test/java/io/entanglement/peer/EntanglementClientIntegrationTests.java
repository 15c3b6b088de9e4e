package io.entanglement.peer;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.entanglement.OwnerDecision;
import io.entanglement.ProposalReply;
import io.entanglement.SyncException;
import io.entanglement.testapp.Marker;
import io.entanglement.testapp.MarkerRepository;
import io.entanglement.testapp.TestApplication;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.WebSocketHttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Java client against a real server: views, resume, proposals and owner requests.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class EntanglementClientIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	MarkerRepository markers;

	@BeforeEach
	void clean() {
		this.markers.deleteAll();
	}

	@Test
	void aViewFollowsSnapshotLiveChangesAndResumesWithItsToken() throws Exception {
		Marker camp = this.markers.save(new Marker("camp", 1, 1));
		View view = new View();
		String token;
		try (EntanglementClient alice = connect("alice")) {
			// tag::subscribe[]
			alice.subscribe("marker", null, Map.of(), view);
			// end::subscribe[]
			await().atMost(TIMEOUT).until(view::synced);
			assertThat(view.objects()).containsOnlyKeys(id(camp));
			camp.setLat(2);
			camp = this.markers.save(camp);
			String campId = id(camp);
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(view.objects().get(campId).state()).containsEntry("lat", 2.0));
			token = view.token();
		}
		Marker summit = this.markers.save(new Marker("summit", 3, 3));
		this.markers.delete(camp);
		List<EntanglementClient.Batch> resumed = new CopyOnWriteArrayList<>();
		try (EntanglementClient alice = connect("alice")) {
			// tag::resume[]
			alice.subscribe("marker", token, Map.of(), (batch) -> {
				resumed.add(batch);
				view.apply(batch);
			});
			// end::resume[]
			await().atMost(TIMEOUT).until(() -> resumed.stream().anyMatch(EntanglementClient.Batch::synced));
		}
		assertThat(resumed.get(0).reset()).isFalse();
		assertThat(view.objects()).containsOnlyKeys(id(summit));
	}

	@Test
	void proposalsGetTheirOneReplyAndRefusalsAreTyped() throws Exception {
		try (EntanglementClient alice = connect("alice")) {
			// tag::propose[]
			ProposalReply created = alice.propose("marker", null, Map.of("name", "new", "lat", 1, "lng", 2), null)
				.get(10, TimeUnit.SECONDS);
			// end::propose[]
			assertThat(created.isAccepted()).isTrue();
			ProposalReply conflict = alice.propose("marker", created.id(), Map.of("lat", 5), 99L)
				.get(10, TimeUnit.SECONDS);
			assertThat(conflict.code()).isEqualTo("conflict");
			assertThat(conflict.current()).isNotNull();
			assertThat(conflict.current().version()).isEqualTo(created.version());
			ProposalReply deleted = alice.delete("marker", created.id()).get(10, TimeUnit.SECONDS);
			assertThat(deleted.isAccepted()).isTrue();
			CompletableFuture<SyncException> refused = new CompletableFuture<>();
			alice.subscribe("no-such-type", null, Map.of(), new EntanglementClient.Listener() {

				@Override
				public void batch(EntanglementClient.Batch batch) {
					refused.completeExceptionally(new AssertionError("A refused subscription received " + batch));
				}

				@Override
				public void refused(SyncException reason) {
					refused.complete(reason);
				}

			});
			assertThat(refused.get(10, TimeUnit.SECONDS).getCode()).isEqualTo("unknown-type");
		}
	}

	@Test
	void anOwnerAnswersForwardedProposals() throws Exception {
		Marker owned = new Marker("meeting point", 1, 1);
		owned.setOwner("alice");
		String id = id(this.markers.save(owned));
		try (EntanglementClient alice = connect("alice"); EntanglementClient bob = connect("bob")) {
			// tag::requests[]
			alice.onRequest((request) -> CompletableFuture.completedFuture(
					"bob".equals(request.from()) && ((Number) request.state().get("lat")).doubleValue() < 10
							? new OwnerDecision(true, Map.of(), null, null)
							: new OwnerDecision(false, Map.of(), "forbidden", "Too far")));
			// end::requests[]
			ProposalReply accepted = bob.propose("marker", id, Map.of("lat", 5), null).get(10, TimeUnit.SECONDS);
			assertThat(accepted.isAccepted()).isTrue();
			assertThat(this.markers.findById(Long.valueOf(id)).orElseThrow().getLat()).isEqualTo(5);
			ProposalReply rejected = bob.propose("marker", id, Map.of("lat", 50), null).get(10, TimeUnit.SECONDS);
			assertThat(rejected.code()).isEqualTo("forbidden");
			assertThat(rejected.message()).isEqualTo("Too far");
		}
	}

	@Test
	void filteredSubscriptionsSeeOnlyMatchingObjects() throws Exception {
		Marker camp = this.markers.save(new Marker("camp", 1, 1));
		this.markers.save(new Marker("summit", 2, 2));
		View view = new View();
		try (EntanglementClient alice = connect("alice")) {
			alice.subscribe("marker", null, Map.of("name", "camp"), view);
			await().atMost(TIMEOUT).until(view::synced);
			assertThat(view.objects()).containsOnlyKeys(id(camp));
		}
	}

	private EntanglementClient connect(String user) {
		// tag::connect[]
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.setBasicAuth(user, "password");
		EntanglementClient client = EntanglementClient
			.connect(URI.create("ws://localhost:" + this.port + "/entanglement"), headers);
		// end::connect[]
		return client;
	}

	private static String id(Marker marker) {
		return String.valueOf(marker.getId());
	}

}
