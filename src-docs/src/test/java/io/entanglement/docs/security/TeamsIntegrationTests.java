package io.entanglement.docs.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.entanglement.docs.ReceivedFrames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the security page's worked example: each team sees its own missions, staff see
 * both, a SECRET mission reaches only cleared members, and a hand-over is live.
 *
 * @author Entanglement
 */
@SpringBootTest(classes = TeamsApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("teams")
class TeamsIntegrationTests {

	/** Long enough for a change that should not arrive to have arrived. */
	private static final Duration QUIET = Duration.ofMillis(500);

	@LocalServerPort
	private int port;

	@Autowired
	private Missions missions;

	@Autowired
	private MissionRepository repository;

	private final WebSocketStompClient client = new WebSocketStompClient(new StandardWebSocketClient());

	private final List<StompSession> sessions = new ArrayList<>();

	@BeforeEach
	void clean() {
		this.repository.deleteAll();
	}

	@AfterEach
	void disconnect() {
		this.sessions.stream().filter(StompSession::isConnected).forEach(StompSession::disconnect);
	}

	@Test
	void eachTeamSeesItsOwnMissionsStaffSeeBothAndSecretsReachOnlyTheCleared() throws Exception {
		Mission harbour = this.missions.open("Harbour watch", "RED", null);
		Mission bridge = this.missions.open("Bridge repair", "BLUE", null);
		Mission nightfall = this.missions.open("Nightfall", "RED", "SECRET");
		Map<String, Map<String, JsonNode>> views = new HashMap<>();
		for (String user : List.of("rita", "rex", "ben", "sam")) {
			views.put(user, view(subscribe(user).untilSynced()));
		}
		assertThat(views.get("rita")).containsOnlyKeys(id(harbour));
		assertThat(views.get("rex")).containsOnlyKeys(id(harbour), id(nightfall));
		assertThat(views.get("ben")).containsOnlyKeys(id(bridge));
		assertThat(views.get("sam")).containsOnlyKeys(id(harbour), id(bridge), id(nightfall));
	}

	@Test
	void aHandOverIsLive() throws Exception {
		Mission harbour = this.missions.open("Harbour watch", "RED", null);
		ReceivedFrames rita = subscribe("rita");
		ReceivedFrames ben = subscribe("ben");
		ReceivedFrames sam = subscribe("sam");
		assertThat(view(rita.untilSynced())).containsOnlyKeys(id(harbour));
		assertThat(view(ben.untilSynced())).isEmpty();
		assertThat(view(sam.untilSynced())).containsOnlyKeys(id(harbour));

		Mission handedOver = this.missions.handOver(harbour, "BLUE");
		assertThat(rita.next().json().get("changes")).singleElement().satisfies((change) -> {
			assertThat(change.get("op").asString()).isEqualTo("forget");
			assertThat(change.get("id").asString()).isEqualTo(id(harbour));
		});
		assertThat(ben.change(id(harbour), handedOver.getVersion()).get("state").get("team").asString())
			.isEqualTo("BLUE");
		assertThat(sam.change(id(harbour), handedOver.getVersion()).get("op").asString()).isEqualTo("upsert");
		assertThat(rita.poll(QUIET)).isNull();
	}

	private ReceivedFrames subscribe(String user) throws Exception {
		WebSocketHttpHeaders handshake = new WebSocketHttpHeaders();
		handshake.setBasicAuth(user, "password");
		StompSession session = this.client.connectAsync("ws://localhost:" + this.port + "/entanglement", handshake,
				new StompHeaders(), new StompSessionHandlerAdapter() {
				})
			.get(ReceivedFrames.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		this.sessions.add(session);
		ReceivedFrames frames = new ReceivedFrames();
		session.subscribe("/entanglement/mission", frames);
		return frames;
	}

	private static Map<String, JsonNode> view(List<ReceivedFrames.Frame> frames) {
		Map<String, JsonNode> objects = new HashMap<>();
		for (ReceivedFrames.Frame frame : frames) {
			for (JsonNode change : frame.json().get("changes")) {
				if (change.get("op").asString().equals("upsert")) {
					objects.put(change.get("id").asString(), change);
				}
				else {
					objects.remove(change.get("id").asString());
				}
			}
		}
		return objects;
	}

	private static String id(Mission mission) {
		return mission.getId().toString();
	}

}
