package com.example.meetup;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.example.meetup.MeetupClient.Subscription;
import com.example.meetup.chat.ChatMessageRepository;
import com.example.meetup.demo.DemoData;
import com.example.meetup.group.GroupRepository;
import com.example.meetup.location.Location;
import com.example.meetup.location.LocationRepository;
import com.example.meetup.meetingpoint.MeetingPointRepository;
import com.example.meetup.security.DemoUsers;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Runs the meetup app on a random port: who may load what, the demo data, and the
 * simulator that keeps the map alive.
 *
 * @author Entanglement
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class MeetupApplicationIntegrationTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private DemoData demoData;

	@Autowired
	private GroupRepository groups;

	@Autowired
	private MeetingPointRepository meetingPoints;

	@Autowired
	private LocationRepository locations;

	@Autowired
	private ChatMessageRepository messages;

	@Test
	void peopleWhoAreNotOnlineMoveOnTheirOwn() throws Exception {
		try (MeetupClient erin = MeetupClient.connect(this.port, "erin")) {
			Subscription locations = erin.subscribe("location");
			String bob = String.valueOf(this.locations.findByPerson("bob").orElseThrow().getId());
			long version = locations.objects().get(bob).get("version").asLong();
			JsonNode moved = locations
				.next((change) -> change.get("id").asString().equals(bob) && change.get("version").asLong() > version);
			assertThat(moved.get("state").propertyNames()).contains("lat", "lng", "heading", "updatedAt")
				.doesNotContain("id", "person", "version");
		}
	}

	@Test
	void handshakeWithoutCredentialsIsRefused() {
		assertThat(handshakeStatus(null)).isEqualTo(401);
	}

	@Test
	void handshakeWithWrongPasswordIsRefused() {
		assertThat(handshakeStatus(basic("alice", "wrong"))).isEqualTo(401);
	}

	@Test
	void theAppIsServedToSignedInUsersOnly() throws Exception {
		HttpResponse<String> signedIn = get("/", basic("alice", DemoUsers.PASSWORD));
		assertThat(signedIn.statusCode()).isEqualTo(200);
		assertThat(signedIn.body()).contains("/js/meetup.js");
		HttpResponse<String> anonymous = get("/", null);
		assertThat(anonymous.statusCode()).isEqualTo(302);
		assertThat(anonymous.headers().firstValue("Location"))
			.hasValueSatisfying((to) -> assertThat(to).endsWith("/login"));
		assertThat(get("/js/meetup.js", null).statusCode()).isEqualTo(200);
		assertThat(get("/entanglement/entanglement.js", null).statusCode()).isEqualTo(302);
	}

	@Test
	void theSignInPageIsPublicAndCarriesACsrfToken() throws Exception {
		HttpResponse<String> page = get("/login", null);
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).containsPattern("<input type=\"hidden\" name=\"_csrf\" value=\"[^\"]+\">");
		assertThat(get("/login?error", null).statusCode()).isEqualTo(200);
		assertThat(get("/login?logout", null).statusCode()).isEqualTo(200);
		assertThat(get("/css/meetup.css", null).statusCode()).isEqualTo(200);
	}

	@Test
	void seedingAgainCreatesNothingTwice() {
		long groups = this.groups.count();
		long meetingPoints = this.meetingPoints.count();
		long messages = this.messages.count();
		this.demoData.seed();
		assertThat(this.groups.count()).isEqualTo(groups).isEqualTo(3);
		assertThat(this.meetingPoints.count()).isEqualTo(meetingPoints).isEqualTo(3);
		assertThat(this.messages.count()).isEqualTo(messages);
		assertThat(this.locations.findAll()).extracting(Location::getPerson)
			.containsExactlyInAnyOrderElementsOf(DemoUsers.NAMES);
	}

	private HttpResponse<String> get(String path, @Nullable String authorization) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header("Accept", "text/html");
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Open a WebSocket with the JDK's client, which reports the status of a refused
	 * handshake.
	 */
	private int handshakeStatus(@Nullable String authorization) {
		WebSocket.Builder builder = this.http.newWebSocketBuilder();
		if (authorization != null) {
			builder.header("Authorization", authorization);
		}
		CompletableFuture<WebSocket> handshake = builder
			.buildAsync(URI.create("ws://localhost:" + this.port + "/entanglement"), new WebSocket.Listener() {
			});
		Throwable failure = catchThrowable(() -> handshake.get(MeetupClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
		assertThat(failure).as("refused handshake").hasCauseInstanceOf(WebSocketHandshakeException.class);
		return ((WebSocketHandshakeException) failure.getCause()).getResponse().statusCode();
	}

}
