package io.entanglement.stomp;

import java.time.Duration;
import java.util.List;

import io.entanglement.testapp.Marker;
import io.entanglement.testapp.MarkerRepository;
import io.entanglement.testapp.StompTestClient;
import io.entanglement.testapp.StompTestClient.Batch;
import io.entanglement.testapp.StompTestClient.View;
import io.entanglement.testapp.TestApplication;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions whose link is slower than the change rate: a byte budget of 2 KB/s per session
 * and at most 20 pending objects per subscription.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "entanglement.session.max-bytes-per-second=2KB", "entanglement.session.max-pending=20",
				"spring.datasource.url=jdbc:h2:mem:entanglement-slow;DB_CLOSE_DELAY=-1" })
class SlowReaderStompIntegrationTests {

	private static final long BUDGET = 2048;

	@LocalServerPort
	int port;

	@Autowired
	MarkerRepository markers;

	@Autowired
	TransactionTemplate transactions;

	@BeforeEach
	void clean() {
		this.markers.deleteAll();
	}

	@Test
	void hotObjectIsCoalescedToTheNewestStateWithinTheByteBudget() throws Exception {
		Marker hot = this.markers.save(new Marker("hot", 0, 0));
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker");
			alice.untilSynced();
			long start = System.nanoTime();
			for (int i = 1; i <= 300; i++) {
				hot.setLat(i);
				hot = this.markers.save(hot);
			}
			long lastVersion = hot.getVersion();
			String hotId = String.valueOf(hot.getId());
			List<Batch> received = alice.until((batch) -> batch.changes()
				.stream()
				.anyMatch((change) -> change.get("id").asString().equals(hotId)
						&& change.get("version").asLong() == lastVersion));
			double seconds = (System.nanoTime() - start) / 1e9;
			long versions = received.stream().mapToLong((batch) -> batch.changes().size()).sum();
			long bodyBytes = received.stream().mapToLong((batch) -> batch.body().toString().length()).sum();
			// 300 commits; only what the budget lets through is sent, each the newest
			// state.
			assertThat(versions).isLessThan(300);
			assertThat(bodyBytes).isLessThanOrEqualTo((long) (BUDGET * (seconds + 1)));
			JsonNode last = received.get(received.size() - 1).changes().get(0);
			assertThat(last.get("state").get("lat").asDouble()).isEqualTo(300);
			alice.assertNoBatchWithin(Duration.ofMillis(500));
		}
	}

	@Test
	void subscriptionTooFarBehindIsResetWithASnapshotInsteadOfABacklog() throws Exception {
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker");
			View view = new View();
			view.apply(alice.untilSynced());
			for (int t = 0; t < 3; t++) {
				this.transactions.executeWithoutResult((status) -> {
					for (int i = 0; i < 30; i++) {
						this.markers.save(new Marker("bulk", 0, 0));
					}
				});
			}
			List<Batch> received = alice.until((batch) -> batch.reset());
			view.apply(received);
			view.apply(alice.untilSynced());
			view.apply(alice.drain(Duration.ofMillis(500)));
			assertThat(view.objects()).hasSize(90);
			assertThat(view.versionsGoingBackwards()).isEmpty();
		}
	}

}
