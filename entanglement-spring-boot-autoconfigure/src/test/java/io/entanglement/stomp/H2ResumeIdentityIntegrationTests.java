package io.entanglement.stomp;

import java.util.List;

import io.entanglement.testapp.Marker;
import io.entanglement.testapp.MarkerRepository;
import io.entanglement.testapp.StompTestClient;
import io.entanglement.testapp.StompTestClient.Batch;
import io.entanglement.testapp.TestApplication;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A resume token names who it was handed to: the same user with the same authorities is
 * caught up, anyone else (another user, other authorities) is reset, since what the
 * client holds was chosen for the other identity. Shares the H2 integration test context.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = { "entanglement.node-id=test-node",
		"spring.datasource.url=jdbc:h2:mem:entanglement-it;DB_CLOSE_DELAY=-1" })
class H2ResumeIdentityIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	MarkerRepository markers;

	@Test
	void aTokenResumesForItsOwnIdentityAndResetsAnyOther() throws Exception {
		Marker marker = this.markers.save(new Marker("resume-identity", 1, 1));
		String token;
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker");
			List<Batch> snapshot = alice.untilSynced();
			token = snapshot.get(snapshot.size() - 1).token();
		}
		assertThat(token).contains("~");
		marker.setLat(2);
		this.markers.save(marker);

		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("marker", token);
			List<Batch> caughtUp = alice.untilSynced();
			assertThat(caughtUp.get(0).reset()).isFalse();
			assertThat(ids(caughtUp)).containsExactly(String.valueOf(marker.getId()));
			// A token from before fingerprints is caught up as before.
			alice.subscribeRaw("/entanglement/marker",
					java.util.Map.of("entanglement-since", token.substring(0, token.indexOf('~'))));
			assertThat(alice.untilSynced().get(0).reset()).isFalse();
		}
		// erin has other authorities (ROLE_STAFF): alice's token is not hers to resume.
		try (StompTestClient erin = StompTestClient.connect(this.port, "erin")) {
			erin.subscribe("marker", token);
			List<Batch> reset = erin.untilSynced();
			assertThat(reset.get(0).reset()).isTrue();
			assertThat(ids(reset)).contains(String.valueOf(marker.getId()));
			assertThat(reset.get(reset.size() - 1).token()).doesNotContain(token.substring(token.indexOf('~')));
		}
	}

	private static List<String> ids(List<Batch> batches) {
		return batches.stream()
			.flatMap((batch) -> batch.changes().stream())
			.map((change) -> change.get("id").asString())
			.toList();
	}

}
