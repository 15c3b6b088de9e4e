package io.entanglement.stomp;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.entanglement.testapp.Dossier;
import io.entanglement.testapp.DossierRepository;
import io.entanglement.testapp.StompTestClient;
import io.entanglement.testapp.StompTestClient.View;
import io.entanglement.testapp.TestApplication;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mandatory access labels: erin (ROLE_STAFF, cleared SECRET:RED) and alice (no
 * clearance). Both sides of every rule. Shares the H2 integration test context.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = { "entanglement.node-id=test-node",
		"spring.datasource.url=jdbc:h2:mem:entanglement-it;DB_CLOSE_DELAY=-1" })
class H2MandatoryAccessIntegrationTests {

	private static final Duration QUIET = Duration.ofMillis(500);

	@LocalServerPort
	int port;

	@Autowired
	DossierRepository dossiers;

	@BeforeEach
	void clean() {
		this.dossiers.deleteAll();
	}

	@Test
	void viewersSeeOnlyWhatTheirClearanceDominates() throws Exception {
		Dossier open = this.dossiers.save(new Dossier("open", null));
		Dossier red = this.dossiers.save(new Dossier("red", "SECRET:RED"));
		Dossier blue = this.dossiers.save(new Dossier("blue", "SECRET:BLUE"));
		Dossier confidential = this.dossiers.save(new Dossier("confidential", "CONFIDENTIAL"));
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient erin = StompTestClient.connect(this.port, "erin")) {
			alice.subscribe("dossier");
			erin.subscribe("dossier");
			View aliceView = new View();
			aliceView.apply(alice.untilSynced());
			View erinView = new View();
			erinView.apply(erin.untilSynced());
			assertThat(aliceView.objects()).containsOnlyKeys(id(open));
			assertThat(erinView.objects()).containsOnlyKeys(id(open), id(red), id(confidential));
			assertThat(erinView.objects().get(id(red)).get("state").get("label").asString()).isEqualTo("SECRET:RED");

			red.setTitle("red, updated");
			this.dossiers.save(red);
			blue.setTitle("blue, updated");
			this.dossiers.save(blue);
			assertThat(erin.next().changes()).singleElement()
				.satisfies((change) -> assertThat(change.get("id").asString()).isEqualTo(id(red)));
			alice.assertNoBatchWithin(QUIET);
			erin.assertNoBatchWithin(Duration.ZERO);
		}
	}

	@Test
	void raisingALabelMakesViewersWhoNoLongerDominateItForgetIt() throws Exception {
		Dossier dossier = this.dossiers.save(new Dossier("plan", null));
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient erin = StompTestClient.connect(this.port, "erin")) {
			alice.subscribe("dossier");
			erin.subscribe("dossier");
			alice.untilSynced();
			erin.untilSynced();
			dossier.setLabel("SECRET:RED");
			dossier = this.dossiers.save(dossier);
			assertThat(alice.next().changes()).singleElement()
				.satisfies((change) -> assertThat(change.get("op").asString()).isEqualTo("forget"));
			assertThat(erin.next().changes().get(0).get("op").asString()).isEqualTo("upsert");
			this.dossiers.delete(dossier);
			assertThat(erin.next().changes().get(0).get("op").asString()).isEqualTo("delete");
			alice.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	void aLabelledObjectDeletedWhileViewersWereAwayIsNamedOnCatchUpOnlyToThoseWhoDominateItsLabel() throws Exception {
		this.dossiers.save(new Dossier("open", null));
		Dossier red = this.dossiers.save(new Dossier("red", "SECRET:RED"));
		String aliceToken;
		String erinToken;
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient erin = StompTestClient.connect(this.port, "erin")) {
			alice.subscribe("dossier");
			erin.subscribe("dossier");
			aliceToken = lastToken(alice.untilSynced());
			erinToken = lastToken(erin.untilSynced());
		}
		this.dossiers.delete(red);
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient erin = StompTestClient.connect(this.port, "erin")) {
			alice.subscribe("dossier", aliceToken);
			erin.subscribe("dossier", erinToken);
			// Decided on the label it had: erin hears of the deletion, alice of nothing.
			List<StompTestClient.Batch> erinResumed = erin.untilSynced();
			assertThat(erinResumed).noneMatch(StompTestClient.Batch::reset);
			assertThat(changes(erinResumed)).singleElement().satisfies((change) -> {
				assertThat(change.get("id").asString()).isEqualTo(id(red));
				assertThat(change.get("op").asString()).isEqualTo("delete");
			});
			List<StompTestClient.Batch> aliceResumed = alice.untilSynced();
			assertThat(aliceResumed).noneMatch(StompTestClient.Batch::reset);
			assertThat(changes(aliceResumed)).isEmpty();
			alice.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	void aLabelledObjectRelabelledThenDeletedWhileAViewerWasAwayResetsItsCatchUp() throws Exception {
		Dossier open = this.dossiers.save(new Dossier("open", null));
		Dossier raised = this.dossiers.save(new Dossier("raised", null));
		String token;
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("dossier");
			List<StompTestClient.Batch> snapshot = alice.untilSynced();
			assertThat(changes(snapshot)).extracting((change) -> change.get("id").asString())
				.containsExactlyInAnyOrder(id(open), id(raised));
			token = lastToken(snapshot);
		}
		raised.setLabel("SECRET:RED");
		raised = this.dossiers.save(raised);
		this.dossiers.delete(raised);
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("dossier", token);
			List<StompTestClient.Batch> resumed = alice.untilSynced();
			// She held it, and may not be told of it now: she starts over instead.
			assertThat(resumed.get(0).reset()).isTrue();
			assertThat(changes(resumed)).extracting((change) -> change.get("id").asString()).containsExactly(id(open));
		}
	}

	private static List<JsonNode> changes(List<StompTestClient.Batch> batches) {
		return batches.stream().flatMap((batch) -> batch.changes().stream()).toList();
	}

	private static String lastToken(List<StompTestClient.Batch> batches) {
		return batches.get(batches.size() - 1).token();
	}

	@Test
	void aProposalMayOnlySetALabelItsProposerDominates() throws Exception {
		Dossier red = this.dossiers.save(new Dossier("red", "SECRET:RED"));
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient erin = StompTestClient.connect(this.port, "erin")) {
			alice.propose("dossier", Map.of("requestId", "m1", "state", Map.of("title", "t", "label", "SECRET")));
			assertThat(alice.nextReply().get("code").asString()).isEqualTo("forbidden");
			erin.propose("dossier",
					Map.of("requestId", "m2", "state", Map.of("title", "t", "label", "TOP_SECRET:RED")));
			assertThat(erin.nextReply().get("code").asString()).isEqualTo("forbidden");
			erin.propose("dossier", Map.of("requestId", "m3", "state", Map.of("title", "t", "label", "BOGUS")));
			assertThat(erin.nextReply().get("code").asString()).isEqualTo("invalid");
			erin.propose("dossier", Map.of("requestId", "m4", "state", Map.of("title", "t", "label", "SECRET:RED")));
			JsonNode accepted = erin.nextReply();
			assertThat(accepted.get("status").asString()).isEqualTo("accepted");
			// An object alice may not see does not exist for her.
			alice.propose("dossier", Map.of("requestId", "m5", "id", id(red), "state", Map.of("title", "x")));
			assertThat(alice.nextReply().get("code").asString()).isEqualTo("not-found");
		}
		assertThat(this.dossiers.count()).isEqualTo(2);
		assertThat(this.dossiers.findById(red.getId()).orElseThrow().getTitle()).isEqualTo("red");
	}

	private static String id(Dossier dossier) {
		return String.valueOf(dossier.getId());
	}

}
