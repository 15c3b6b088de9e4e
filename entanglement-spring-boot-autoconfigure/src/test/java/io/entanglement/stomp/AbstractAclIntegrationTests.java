package io.entanglement.stomp;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.entanglement.ForbiddenException;
import io.entanglement.security.EntanglementAcl;
import io.entanglement.testapp.Memo;
import io.entanglement.testapp.MemoRepository;
import io.entanglement.testapp.StompTestClient;
import io.entanglement.testapp.StompTestClient.Batch;
import io.entanglement.testapp.StompTestClient.View;
import io.entanglement.testapp.TestApplication;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.acls.domain.BasePermission;
import org.springframework.security.acls.domain.GrantedAuthoritySid;
import org.springframework.security.acls.domain.ObjectIdentityImpl;
import org.springframework.security.acls.domain.PrincipalSid;
import org.springframework.security.acls.model.Acl;
import org.springframework.security.acls.model.MutableAcl;
import org.springframework.security.acls.model.MutableAclService;
import org.springframework.security.acls.model.ObjectIdentity;
import org.springframework.security.acls.model.Permission;
import org.springframework.security.acls.model.Sid;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Access control lists end to end: grants and revocations through {@link EntanglementAcl}
 * reach real STOMP clients live and on catch-up, mandatory access labels still come
 * first, and proposals need {@code WRITE}. Both sides of every rule: the permitted
 * session receives, the other receives nothing. Subclasses pick the database.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
abstract class AbstractAclIntegrationTests {

	/** Long enough for a change that should not arrive to have arrived. */
	private static final Duration QUIET = Duration.ofMillis(500);

	private static final List<String> USERS = List.of("alice", "bob", "erin");

	@LocalServerPort
	int port;

	@Autowired
	MemoRepository memos;

	@Autowired
	EntanglementAcl acl;

	@Autowired
	MutableAclService aclService;

	@Autowired
	TransactionTemplate transactions;

	@BeforeEach
	void clean() {
		this.memos.deleteAll();
	}

	@AfterEach
	void clearSecurityContext() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void objectsWithoutAnAccessControlListAreSeenByTheirOwnerAlone() throws Exception {
		Memo mine = memo("mine", "alice");
		Memo nodes = memo("the node's", null);
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			assertThat(memos(alice)).containsOnlyKeys(id(mine));
			assertThat(memos(bob)).isEmpty();
			mine.setTitle("still mine");
			this.memos.save(mine);
			nodes.setTitle("still the node's");
			this.memos.save(nodes);
			assertThat(alice.next().changes()).singleElement()
				.satisfies((change) -> assertThat(change.get("id").asString()).isEqualTo(id(mine)));
			bob.assertNoBatchWithin(QUIET);
			alice.assertNoBatchWithin(Duration.ZERO);
		}
	}

	@Test
	void grantWhileSubscribedSendsTheObjectToTheGranteeOnly() throws Exception {
		Memo memo = memo("plan", null);
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			assertThat(memos(alice)).isEmpty();
			assertThat(memos(bob)).isEmpty();

			this.acl.grantUser("memo", id(memo), "alice", BasePermission.READ);
			assertThat(alice.next().changes()).singleElement().satisfies((change) -> {
				assertThat(change.get("op").asString()).isEqualTo("upsert");
				assertThat(change.get("id").asString()).isEqualTo(id(memo));
				assertThat(change.get("state").get("title").asString()).isEqualTo("plan");
			});
			bob.assertNoBatchWithin(QUIET);

			memo.setTitle("plan, revised");
			this.memos.save(memo);
			assertThat(alice.next().changes().get(0).get("state").get("title").asString()).isEqualTo("plan, revised");
			bob.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	void grantAndRevokeOnAParentListReachTheViewersOfTheObjectsThatInheritFromItLive() throws Exception {
		Memo folder = memo("folder", null);
		Memo page = memo("page", null);
		this.acl.grantUser("memo", id(folder), "erin", BasePermission.READ);
		this.transactions.executeWithoutResult((status) -> {
			actAs("root", "ROLE_ADMIN");
			MutableAcl child = this.aclService.createAcl(identity(page));
			child.setParent(this.aclService.readAclById(identity(folder)));
			child.setEntriesInheriting(true);
			this.aclService.updateAcl(child);
		});
		SecurityContextHolder.clearContext();
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			assertThat(memos(alice)).isEmpty();
			assertThat(memos(bob)).isEmpty();

			this.acl.grantUser("memo", id(folder), "alice", BasePermission.READ);
			View view = new View();
			while (view.objects().size() < 2) {
				view.apply(alice.next());
			}
			assertThat(view.objects()).containsOnlyKeys(id(folder), id(page));
			bob.assertNoBatchWithin(QUIET);

			this.acl.revokeUser("memo", id(folder), "alice", BasePermission.READ);
			while (!view.objects().isEmpty()) {
				view.apply(alice.next());
			}
			bob.assertNoBatchWithin(QUIET);
			alice.assertNoBatchWithin(Duration.ZERO);
		}
	}

	@Test
	void grantToAnAuthorityReachesEveryoneHoldingIt() throws Exception {
		Memo memo = memo("staff only", null);
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient erin = StompTestClient.connect(this.port, "erin")) {
			alice.subscribe("memo");
			erin.subscribe("memo");
			alice.untilSynced();
			erin.untilSynced();
			this.acl.grantAuthority("memo", id(memo), "ROLE_STAFF", BasePermission.READ);
			assertThat(erin.next().changes()).singleElement()
				.satisfies((change) -> assertThat(change.get("op").asString()).isEqualTo("upsert"));
			alice.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	void revokeWhileSubscribedForgetsAtOnceAndSendsNothingMoreOfTheObject() throws Exception {
		Memo shared = memo("shared", null);
		String id = id(shared);
		this.acl.grantUser("memo", id, "alice", BasePermission.READ);
		this.acl.grantUser("memo", id, "bob", BasePermission.READ);
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			assertThat(memos(alice)).containsOnlyKeys(id);
			assertThat(memos(bob)).containsOnlyKeys(id);

			this.acl.revokeUser("memo", id, "bob", BasePermission.READ);
			assertThat(bob.next().changes()).singleElement().satisfies((change) -> {
				assertThat(change.get("op").asString()).isEqualTo("forget");
				assertThat(change.get("id").asString()).isEqualTo(id);
				assertThat(change.has("state")).isFalse();
			});
			// Alice's access did not change: nothing to tell her.
			alice.assertNoBatchWithin(QUIET);

			shared.setTitle("shared, then not");
			Memo updated = this.memos.save(shared);
			assertThat(alice.next().changes().get(0).get("state").get("title").asString())
				.isEqualTo("shared, then not");
			this.memos.delete(updated);
			assertThat(alice.next().changes().get(0).get("op").asString()).isEqualTo("delete");
			bob.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	void accessChangesMadeWhileAClientWasAwayAreReflectedWhenItResumes() throws Exception {
		Memo kept = memo("kept", null);
		Memo lost = memo("lost", null);
		Memo gained = memo("gained", null);
		Memo bobs = memo("bob's", null);
		this.acl.grantUser("memo", id(kept), "alice", BasePermission.READ);
		this.acl.grantUser("memo", id(lost), "alice", BasePermission.READ);
		String token;
		View view = new View();
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("memo");
			List<Batch> snapshot = alice.untilSynced();
			view.apply(snapshot);
			assertThat(view.objects()).containsOnlyKeys(id(kept), id(lost));
			token = snapshot.get(snapshot.size() - 1).token();
		}
		this.acl.revokeUser("memo", id(lost), "alice", BasePermission.READ);
		this.acl.grantUser("memo", id(gained), "alice", BasePermission.READ);
		this.acl.grantUser("memo", id(bobs), "bob", BasePermission.READ);
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("memo", token);
			List<Batch> resumed = alice.untilSynced();
			// She could see 'lost' at her token: she is told to forget it, as she would
			// have been live, and keeps the rest.
			assertThat(resumed).noneMatch(Batch::reset);
			assertThat(opsAndIds(resumed)).containsExactlyInAnyOrder(tuple("forget", id(lost)),
					tuple("upsert", id(gained)));
			view.apply(resumed);
			assertThat(view.objects()).containsOnlyKeys(id(kept), id(gained));
			alice.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	void accessGainedWhileAClientWasAwayArrivesOnCatchUpWithoutAReset() throws Exception {
		Memo kept = memo("kept", null);
		Memo gained = memo("gained", null);
		this.acl.grantUser("memo", id(kept), "alice", BasePermission.READ);
		String token;
		View view = new View();
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("memo");
			List<Batch> snapshot = alice.untilSynced();
			view.apply(snapshot);
			token = snapshot.get(snapshot.size() - 1).token();
		}
		this.acl.grantUser("memo", id(gained), "alice", BasePermission.READ);
		List<Batch> resumed = resumeAs("alice", token);
		assertThat(resumed).noneMatch(Batch::reset);
		view.apply(resumed);
		assertThat(view.objects()).containsOnlyKeys(id(kept), id(gained));
	}

	@Test
	void changesToObjectsAClientCouldNotSeeAtItsTokenAndStillCannotAreLeftOutOfItsCatchUp() throws Exception {
		Memo mine = memo("mine", null);
		Memo bobs = memo("bob's", null);
		Memo red = memo("red", null, "SECRET:RED");
		this.acl.grantUser("memo", id(mine), "alice", BasePermission.READ);
		this.acl.grantUser("memo", id(bobs), "bob", BasePermission.READ);
		// Granted, but alice is not cleared for the label.
		this.acl.grantUser("memo", id(red), "alice", BasePermission.READ);
		String aliceToken = tokenAfterSnapshot("alice");
		String bobToken = tokenAfterSnapshot("bob");
		bobs.setTitle("bob's, edited");
		this.memos.save(bobs);
		red.setTitle("red, edited");
		this.memos.save(red);
		mine.setTitle("mine, edited");
		this.memos.save(mine);
		Memo created = memo("bob's new one", "bob");
		Memo shared = memo("shared with bob", null);
		this.acl.grantUser("memo", id(shared), "bob", BasePermission.READ);
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			alice.subscribe("memo", aliceToken);
			bob.subscribe("memo", bobToken);
			List<Batch> aliceResumed = alice.untilSynced();
			assertThat(aliceResumed).noneMatch(Batch::reset);
			assertThat(ids(aliceResumed)).containsExactly(id(mine));
			List<Batch> bobResumed = bob.untilSynced();
			assertThat(bobResumed).noneMatch(Batch::reset);
			assertThat(ids(bobResumed)).containsExactlyInAnyOrder(id(bobs), id(created), id(shared));
			alice.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	void aRevocationWhileClientsWereAwayIsForgottenOnCatchUpByThoseWhoCouldSeeTheObjectAndNamedToNobodyElse()
			throws Exception {
		readableBy("kept", "alice");
		Memo revoked = readableBy("revoked", "alice", "bob");
		readableBy("erin's", "erin");
		String aliceToken = tokenAfterSnapshot("alice");
		String bobToken = tokenAfterSnapshot("bob");
		String erinToken = tokenAfterSnapshot("erin");
		this.acl.revokeUser("memo", id(revoked), "alice", BasePermission.READ);
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob");
				StompTestClient erin = StompTestClient.connect(this.port, "erin")) {
			alice.subscribe("memo", aliceToken);
			bob.subscribe("memo", bobToken);
			erin.subscribe("memo", erinToken);
			List<Batch> aliceResumed = alice.untilSynced();
			assertThat(aliceResumed).noneMatch(Batch::reset);
			assertThat(opsAndIds(aliceResumed)).containsExactly(tuple("forget", id(revoked)));
			// Bob still may see it: he is sent it again at most, not reset.
			List<Batch> bobResumed = bob.untilSynced();
			assertThat(bobResumed).noneMatch(Batch::reset);
			assertThat(changes(bobResumed))
				.allSatisfy((change) -> assertThat(change.get("op").asString()).isEqualTo("upsert"));
			assertThat(ids(bobResumed)).containsOnly(id(revoked));
			// Erin never could see it: she is neither told of it nor reset.
			List<Batch> erinResumed = erin.untilSynced();
			assertThat(erinResumed).noneMatch(Batch::reset);
			assertThat(ids(erinResumed)).isEmpty();
			erin.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	void anObjectDeletedWhileClientsWereAwayIsNamedOnCatchUpOnlyToThoseWhoCouldSeeIt() throws Exception {
		readableBy("kept", "alice");
		Memo deleted = readableBy("deleted", "alice");
		readableBy("bob's", "bob");
		String aliceToken = tokenAfterSnapshot("alice");
		String bobToken = tokenAfterSnapshot("bob");
		this.memos.delete(deleted);
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			alice.subscribe("memo", aliceToken);
			bob.subscribe("memo", bobToken);
			List<Batch> aliceResumed = alice.untilSynced();
			assertThat(aliceResumed).noneMatch(Batch::reset);
			assertThat(changes(aliceResumed)).singleElement().satisfies((change) -> {
				assertThat(change.get("id").asString()).isEqualTo(id(deleted));
				assertThat(change.get("op").asString()).isEqualTo("delete");
			});
			// Bob could never see it: he is neither told of it nor reset.
			List<Batch> bobResumed = bob.untilSynced();
			assertThat(bobResumed).noneMatch(Batch::reset);
			assertThat(ids(bobResumed)).isEmpty();
			bob.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	void aDeletedObjectWhoseListWasDeletedTooIsNamedOnCatchUpOnlyToThoseWhoCouldSeeIt() throws Exception {
		readableBy("kept", "alice");
		Memo deleted = readableBy("deleted", "alice");
		readableBy("erin's", "erin");
		String aliceToken = tokenAfterSnapshot("alice");
		String erinToken = tokenAfterSnapshot("erin");
		this.memos.delete(deleted);
		this.acl.delete("memo", id(deleted));
		// The list no longer grants anyone the object: catch-up decides on the list the
		// change of access was announced with.
		List<Batch> aliceResumed = resumeAs("alice", aliceToken);
		assertThat(aliceResumed).noneMatch(Batch::reset);
		assertThat(opsAndIds(aliceResumed)).containsExactly(tuple("delete", id(deleted)));
		List<Batch> erinResumed = resumeAs("erin", erinToken);
		assertThat(erinResumed).noneMatch(Batch::reset);
		assertThat(ids(erinResumed)).isEmpty();
	}

	@Test
	void anObjectRelabelledOrHandedOnWhileAClientWasAwayStillResetsItsCatchUp() throws Exception {
		Memo relabelled = memo("relabelled", null);
		Memo handedOn = memo("handed on", "alice");
		Memo kept = memo("kept", "alice");
		this.acl.grantUser("memo", id(relabelled), "alice", BasePermission.READ);
		String token;
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice")) {
			alice.subscribe("memo");
			List<Batch> snapshot = alice.untilSynced();
			assertThat(viewOf(snapshot).objects()).containsOnlyKeys(id(relabelled), id(handedOn), id(kept));
			token = lastToken(snapshot);
		}
		relabelled.setLabel("SECRET:RED");
		this.memos.save(relabelled);
		List<Batch> resumed = resumeAs("alice", token);
		// She held it: telling her to forget it would name it to viewers that never did.
		assertThat(resumed.get(0).reset()).isTrue();
		assertThat(viewOf(resumed).objects()).containsOnlyKeys(id(handedOn), id(kept));
		handedOn.setOwner("bob");
		this.memos.save(handedOn);
		resumed = resumeAs("alice", lastToken(resumed));
		assertThat(resumed.get(0).reset()).isTrue();
		assertThat(viewOf(resumed).objects()).containsOnlyKeys(id(kept));
	}

	@Test
	void aGrantNeverOverridesAMandatoryAccessLabel() throws Exception {
		Memo red = memo("red", null, "SECRET:RED");
		Memo blue = memo("blue", null, "SECRET:BLUE");
		for (Memo memo : List.of(red, blue)) {
			for (String user : USERS) {
				this.acl.grantUser("memo", id(memo), user, BasePermission.READ, BasePermission.WRITE);
			}
		}
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient erin = StompTestClient.connect(this.port, "erin")) {
			alice.subscribe("memo");
			erin.subscribe("memo");
			// Erin (ROLE_STAFF) is cleared SECRET:RED; alice has no clearance.
			assertThat(viewOf(alice.untilSynced()).objects()).isEmpty();
			assertThat(viewOf(erin.untilSynced()).objects()).containsOnlyKeys(id(red));

			Memo late = memo("late", null, "SECRET:RED");
			alice.assertNoBatchWithin(QUIET);
			erin.assertNoBatchWithin(Duration.ZERO);
			this.acl.grantUser("memo", id(late), "alice", BasePermission.READ);
			this.acl.grantUser("memo", id(late), "erin", BasePermission.READ);
			assertThat(erin.next().changes().get(0).get("id").asString()).isEqualTo(id(late));
			alice.assertNoBatchWithin(QUIET);

			alice.propose("memo", Map.of("requestId", requestId("m1"), "id", id(red), "state", Map.of("title", "x")));
			assertThat(alice.nextReply().get("code").asString()).isEqualTo("not-found");
			erin.propose("memo", Map.of("requestId", requestId("m2"), "id", id(blue), "state", Map.of("title", "x")));
			assertThat(erin.nextReply().get("code").asString()).isEqualTo("not-found");
		}
		assertThat(this.memos.findById(red.getId()).orElseThrow().getTitle()).isEqualTo("red");
		assertThat(this.memos.findById(blue.getId()).orElseThrow().getTitle()).isEqualTo("blue");
	}

	@Test
	void proposalsToAnObjectNeedWrite() throws Exception {
		Memo memo = memo("draft", null);
		this.acl.grantUser("memo", id(memo), "alice", BasePermission.READ);
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			alice.propose("memo", Map.of("requestId", requestId("p1"), "id", id(memo), "state", Map.of("title", "x")));
			assertThat(alice.nextReply().get("code").asString()).isEqualTo("forbidden");
			bob.propose("memo", Map.of("requestId", requestId("p2"), "id", id(memo), "state", Map.of("title", "x")));
			assertThat(bob.nextReply().get("code").asString()).isEqualTo("not-found");
			assertThat(this.memos.findById(memo.getId()).orElseThrow().getTitle()).isEqualTo("draft");

			this.acl.grantUser("memo", id(memo), "alice", BasePermission.WRITE);
			alice.propose("memo",
					Map.of("requestId", requestId("p3"), "id", id(memo), "state", Map.of("title", "final")));
			assertThat(alice.nextReply().get("status").asString()).isEqualTo("accepted");
			assertThat(this.memos.findById(memo.getId()).orElseThrow().getTitle()).isEqualTo("final");
			// Creating is for the application's policies to decide; the creator owns it.
			bob.propose("memo", Map.of("requestId", requestId("p4"), "state", Map.of("title", "bob's")));
			JsonNode created = bob.nextReply();
			assertThat(created.get("status").asString()).isEqualTo("accepted");
			assertThat(this.memos.findById(UUID.fromString(created.get("id").asString())).orElseThrow().getOwner())
				.isEqualTo("bob");
		}
	}

	@Test
	void onlyTheOwnerAnAdministratorOrAHolderOfAdministrationMayChangeAnAccessControlList() {
		Memo memo = memo("alice's", "alice");
		actAs("bob", "ROLE_USER");
		assertThatExceptionOfType(ForbiddenException.class)
			.isThrownBy(() -> this.acl.grantUser("memo", id(memo), "bob", BasePermission.READ));
		actAs("alice", "ROLE_USER");
		this.acl.grantUser("memo", id(memo), "bob", BasePermission.READ);
		this.acl.grantUser("memo", id(memo), "erin", BasePermission.ADMINISTRATION);
		actAs("bob", "ROLE_USER");
		assertThatExceptionOfType(ForbiddenException.class)
			.isThrownBy(() -> this.acl.revokeUser("memo", id(memo), "bob", BasePermission.READ));
		actAs("erin", "ROLE_USER");
		this.acl.grantUser("memo", id(memo), "carol", BasePermission.READ);
		actAs("root", "ROLE_ADMIN");
		this.acl.revokeUser("memo", id(memo), "carol", BasePermission.READ);
		SecurityContextHolder.clearContext();

		Acl stored = this.aclService.readAclById(identity(memo));
		assertThat(stored.getOwner()).isEqualTo(new PrincipalSid("alice"));
		assertThat(stored.getEntries()).extracting((entry) -> entry.getSid() + " " + entry.getPermission().getMask())
			.containsExactly(new PrincipalSid("bob") + " 1", new PrincipalSid("erin") + " 16");
	}

	@Test
	void aListOfSomeoneElsesObjectMayNotBeCreatedByAnyoneButAnAdministrator() {
		Memo memo = memo("the node's", null);
		actAs("bob", "ROLE_USER");
		assertThatExceptionOfType(ForbiddenException.class)
			.isThrownBy(() -> this.acl.grantUser("memo", id(memo), "bob", BasePermission.READ));
		actAs("root", "ROLE_ADMIN");
		this.acl.grantUser("memo", id(memo), "bob", BasePermission.READ);
		assertThat(this.aclService.readAclById(identity(memo)).getOwner()).isEqualTo(new PrincipalSid("test-node"));
	}

	@Test
	void aGrantThatRollsBackReachesNobodyAndLeavesNoTrace() throws Exception {
		Memo memo = memo("never shared", null);
		try (StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			bob.subscribe("memo");
			bob.untilSynced();
			this.transactions.executeWithoutResult((status) -> {
				this.acl.grantUser("memo", id(memo), "bob", BasePermission.READ);
				status.setRollbackOnly();
			});
			bob.assertNoBatchWithin(QUIET);
			memo.setTitle("still not shared");
			this.memos.save(memo);
			bob.assertNoBatchWithin(QUIET);
		}
		try (StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			assertThat(memos(bob)).isEmpty();
		}
	}

	@Test
	void deletingTheListLeavesTheObjectToItsOwner() throws Exception {
		Memo memo = memo("shared", "alice");
		this.acl.grantUser("memo", id(memo), "bob", BasePermission.READ);
		try (StompTestClient alice = StompTestClient.connect(this.port, "alice");
				StompTestClient bob = StompTestClient.connect(this.port, "bob")) {
			assertThat(memos(alice)).containsOnlyKeys(id(memo));
			assertThat(memos(bob)).containsOnlyKeys(id(memo));
			this.acl.delete("memo", id(memo));
			assertThat(bob.next().changes().get(0).get("op").asString()).isEqualTo("forget");
			alice.assertNoBatchWithin(QUIET);
		}
	}

	@Test
	void listsOfObjectsWithLongUuidAndStringIdsReadBackUnderTheSameIdentity() {
		List<Serializable> ids = List.of(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), UUID.randomUUID(),
				"key-" + UUID.randomUUID());
		this.transactions.executeWithoutResult((status) -> {
			actAs("root", "ROLE_ADMIN");
			for (Serializable id : ids) {
				ObjectIdentity identity = new ObjectIdentityImpl("test." + id.getClass().getSimpleName(), id);
				MutableAcl created = this.aclService.createAcl(identity);
				created.insertAce(0, BasePermission.READ, new GrantedAuthoritySid("ROLE_" + id), true);
				this.aclService.updateAcl(created);
			}
		});
		SecurityContextHolder.clearContext();
		for (Serializable id : ids) {
			ObjectIdentity identity = new ObjectIdentityImpl("test." + id.getClass().getSimpleName(), id);
			Acl acl = this.aclService.readAclById(identity);
			assertThat(acl.getObjectIdentity().getIdentifier()).isEqualTo(id);
			assertThat(
					acl.isGranted(List.of(BasePermission.READ), List.of(new GrantedAuthoritySid("ROLE_" + id)), true))
				.isTrue();
		}
	}

	/**
	 * Users × memos × READ/WRITE at random, through user and authority entries: every
	 * user's view is exactly what the lists let it see, after the initial snapshot and
	 * after live grants and revocations, and proposals succeed exactly where the user may
	 * read and write.
	 */
	@Test
	void randomAccessControlMatrix() throws Exception {
		long seed = Long.getLong("entanglement.test.seed", new Random().nextLong());
		Random random = new Random(seed);
		String context = "seed " + seed;
		List<Memo> all = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			all.add(memo("memo " + i, null));
		}
		List<Sid> sids = List.of(new PrincipalSid("alice"), new PrincipalSid("bob"), new PrincipalSid("erin"),
				new GrantedAuthoritySid("ROLE_STAFF"), new GrantedAuthoritySid("ROLE_USER"));
		List<Permission> permissions = List.of(BasePermission.READ, BasePermission.WRITE);
		Map<String, Set<String>> entries = new HashMap<>();
		for (Memo memo : all) {
			for (Sid sid : sids) {
				for (Permission permission : permissions) {
					// Sparse, so that each user sees some memos and not others.
					if (random.nextInt(4) == 0) {
						this.acl.grant("memo", id(memo), sid, permission);
						entries.computeIfAbsent(id(memo), (k) -> new TreeSet<>()).add(entry(sid, permission));
					}
				}
			}
		}
		Map<String, StompTestClient> clients = new LinkedHashMap<>();
		Map<String, View> views = new HashMap<>();
		try {
			for (String user : USERS) {
				StompTestClient client = StompTestClient.connect(this.port, user);
				clients.put(user, client);
				client.subscribe("memo");
				View view = new View();
				view.apply(client.untilSynced());
				views.put(user, view);
				assertThat(view.objects().keySet()).as(context + ": snapshot of " + user)
					.isEqualTo(permitted(user, all, entries, BasePermission.READ));
			}
			for (int round = 0; round < 12; round++) {
				Memo memo = all.get(random.nextInt(all.size()));
				Sid sid = sids.get(random.nextInt(sids.size()));
				Permission permission = permissions.get(random.nextInt(permissions.size()));
				Set<String> memoEntries = entries.computeIfAbsent(id(memo), (k) -> new TreeSet<>());
				if (memoEntries.contains(entry(sid, permission))) {
					this.acl.revoke("memo", id(memo), sid, permission);
					memoEntries.remove(entry(sid, permission));
				}
				else {
					this.acl.grant("memo", id(memo), sid, permission);
					memoEntries.add(entry(sid, permission));
				}
			}
			for (String user : USERS) {
				View view = views.get(user);
				view.apply(clients.get(user).drain(QUIET));
				assertThat(view.objects().keySet()).as(context + ": live view of " + user)
					.isEqualTo(permitted(user, all, entries, BasePermission.READ));
			}
			for (String user : USERS) {
				Set<String> readable = permitted(user, all, entries, BasePermission.READ);
				Set<String> writable = permitted(user, all, entries, BasePermission.WRITE);
				for (Memo memo : all) {
					String requestId = user + "-" + id(memo);
					clients.get(user)
						.propose("memo",
								Map.of("requestId", requestId, "id", id(memo), "state", Map.of("title", requestId)));
					JsonNode reply = clients.get(user).nextReply();
					String expected = !readable.contains(id(memo)) ? "not-found"
							: writable.contains(id(memo)) ? "accepted" : "forbidden";
					String actual = reply.get("status").asString().equals("accepted") ? "accepted"
							: reply.get("code").asString();
					assertThat(actual).as(context + ": " + user + " proposes to " + memo.getTitle())
						.isEqualTo(expected);
				}
			}
		}
		finally {
			clients.values().forEach(StompTestClient::close);
		}
	}

	/**
	 * Clients away while memos are granted, revoked, edited, relabelled, created and
	 * deleted (some with their lists): on resuming, each holds exactly what it may see,
	 * and is named nothing it could not see at its token or since.
	 */
	@Test
	void clientsResumingAfterRandomDeletionsAndAccessChangesHoldWhatTheyMaySeeAndHearOfNothingElse() throws Exception {
		int toldOfDeletions = 0;
		int quietAfterDeletionsTheyCouldNotSee = 0;
		int toldToForget = 0;
		int quietAfterRevocationsTheyCouldNotSee = 0;
		for (long seed = 1; seed <= 3; seed++) {
			Away away = new Away(new Random(seed), "seed " + seed);
			for (int round = 0; round < 4; round++) {
				away.change(4);
				away.resume();
			}
			toldOfDeletions += away.toldOfDeletions;
			quietAfterDeletionsTheyCouldNotSee += away.quietAfterDeletionsTheyCouldNotSee;
			toldToForget += away.toldToForget;
			quietAfterRevocationsTheyCouldNotSee += away.quietAfterRevocationsTheyCouldNotSee;
			this.memos.deleteAll();
		}
		// Both ways of catching up on a deletion and on a revocation happened, or the
		// histories did not test them.
		assertThat(toldOfDeletions).isPositive();
		assertThat(quietAfterDeletionsTheyCouldNotSee).isPositive();
		assertThat(toldToForget).isPositive();
		assertThat(quietAfterRevocationsTheyCouldNotSee).isPositive();
	}

	/**
	 * One history of
	 * {@link #clientsResumingAfterRandomDeletionsAndAccessChangesHoldWhatTheyMaySeeAndHearOfNothingElse}
	 * and its model: memos with their labels and the users granted {@code READ}.
	 */
	private final class Away {

		private final Random random;

		private final String context;

		private final Map<String, Memo> existing = new LinkedHashMap<>();

		private final Map<String, Set<String>> readers = new HashMap<>();

		private final Map<String, String> tokens = new HashMap<>();

		private final Map<String, View> views = new HashMap<>();

		/** Per user, every memo it could see at its token or since. */
		private final Map<String, Set<String>> couldSee = new HashMap<>();

		/** Per user, memos deleted since its token that it never could see. */
		private final Map<String, Set<String>> deletedUnseen = new HashMap<>();

		/**
		 * Per user, memos some READ was revoked on since its token that it never could
		 * see.
		 */
		private final Map<String, Set<String>> revokedUnseen = new HashMap<>();

		private int created;

		int toldOfDeletions;

		int quietAfterDeletionsTheyCouldNotSee;

		int toldToForget;

		int quietAfterRevocationsTheyCouldNotSee;

		Away(Random random, String context) throws Exception {
			this.random = random;
			this.context = context;
			for (int i = 0; i < 6; i++) {
				create();
			}
			for (String user : USERS) {
				View view = new View();
				this.views.put(user, view);
				try (StompTestClient client = StompTestClient.connect(AbstractAclIntegrationTests.this.port, user)) {
					client.subscribe("memo");
					List<Batch> snapshot = client.untilSynced();
					view.apply(snapshot);
					this.tokens.put(user, lastToken(snapshot));
				}
				assertThat(view.objects().keySet()).as(this.context + ": snapshot of " + user)
					.isEqualTo(visibleTo(user));
			}
			observed();
		}

		void change(int steps) {
			for (int step = 0; step < steps; step++) {
				List<String> ids = List.copyOf(this.existing.keySet());
				String id = ids.get(this.random.nextInt(ids.size()));
				String user = USERS.get(this.random.nextInt(USERS.size()));
				int choice = this.random.nextInt(12);
				if (choice < 2) {
					Set<String> granted = this.readers.get(id);
					if (granted.remove(user)) {
						AbstractAclIntegrationTests.this.acl.revokeUser("memo", id, user, BasePermission.READ);
						for (String viewer : USERS) {
							if (!this.couldSee.get(viewer).contains(id)) {
								this.revokedUnseen.get(viewer).add(id);
							}
						}
					}
					else {
						granted.add(user);
						AbstractAclIntegrationTests.this.acl.grantUser("memo", id, user, BasePermission.READ);
					}
				}
				else if (choice < 5 && ids.size() > 2) {
					AbstractAclIntegrationTests.this.memos.delete(this.existing.remove(id));
					for (String viewer : USERS) {
						if (!this.couldSee.get(viewer).contains(id)) {
							this.deletedUnseen.get(viewer).add(id);
						}
					}
					if (this.random.nextInt(3) == 0) {
						AbstractAclIntegrationTests.this.acl.delete("memo", id);
					}
				}
				else if (choice < 6) {
					Memo memo = this.existing.get(id);
					memo.setLabel((memo.getLabel() == null) ? "SECRET:RED" : null);
					this.existing.put(id, AbstractAclIntegrationTests.this.memos.save(memo));
				}
				else if (choice < 9) {
					Memo memo = this.existing.get(id);
					memo.setTitle("edited " + step);
					this.existing.put(id, AbstractAclIntegrationTests.this.memos.save(memo));
				}
				else {
					create();
				}
				observed();
			}
		}

		void resume() throws Exception {
			for (String user : USERS) {
				List<Batch> resumed;
				try (StompTestClient client = StompTestClient.connect(AbstractAclIntegrationTests.this.port, user)) {
					client.subscribe("memo", this.tokens.get(user));
					resumed = client.untilSynced();
					client.assertNoBatchWithin(Duration.ZERO);
				}
				String about = this.context + ": " + user + " resuming";
				assertThat(ids(resumed)).as(about + " is named only memos it could see")
					.isSubsetOf(this.couldSee.get(user));
				View view = this.views.get(user);
				view.apply(resumed);
				assertThat(view.objects().keySet()).as(about + " holds what it may see").isEqualTo(visibleTo(user));
				boolean reset = resumed.stream().anyMatch(Batch::reset);
				if (!reset && changes(resumed).stream()
					.anyMatch((change) -> change.get("op").asString().equals("delete"))) {
					this.toldOfDeletions++;
				}
				if (!reset && !this.deletedUnseen.get(user).isEmpty()) {
					this.quietAfterDeletionsTheyCouldNotSee++;
				}
				if (!reset && changes(resumed).stream()
					.anyMatch((change) -> change.get("op").asString().equals("forget"))) {
					this.toldToForget++;
				}
				if (!reset && !this.revokedUnseen.get(user).isEmpty()) {
					this.quietAfterRevocationsTheyCouldNotSee++;
				}
				this.tokens.put(user, lastToken(resumed));
				this.couldSee.put(user, new TreeSet<>(visibleTo(user)));
				this.deletedUnseen.put(user, new TreeSet<>());
				this.revokedUnseen.put(user, new TreeSet<>());
			}
		}

		private void create() {
			String label = (this.random.nextInt(3) == 0) ? "SECRET:RED" : null;
			Memo memo = memo("memo " + this.created++, null, label);
			Set<String> granted = new TreeSet<>();
			for (String user : USERS) {
				if (this.random.nextBoolean()) {
					AbstractAclIntegrationTests.this.acl.grantUser("memo", id(memo), user, BasePermission.READ);
					granted.add(user);
				}
			}
			this.existing.put(id(memo), memo);
			this.readers.put(id(memo), granted);
		}

		private void observed() {
			for (String user : USERS) {
				this.couldSee.computeIfAbsent(user, (key) -> new TreeSet<>()).addAll(visibleTo(user));
				this.deletedUnseen.computeIfAbsent(user, (key) -> new TreeSet<>());
				this.revokedUnseen.computeIfAbsent(user, (key) -> new TreeSet<>());
			}
		}

		/** Granted, and cleared for the label: only erin is cleared for SECRET:RED. */
		private Set<String> visibleTo(String user) {
			Set<String> visible = new TreeSet<>();
			this.existing.forEach((id, memo) -> {
				if (this.readers.get(id).contains(user) && (memo.getLabel() == null || user.equals("erin"))) {
					visible.add(id);
				}
			});
			return visible;
		}

	}

	private Set<String> permitted(String user, List<Memo> all, Map<String, Set<String>> entries,
			Permission permission) {
		List<Sid> held = new ArrayList<>(List.of(new PrincipalSid(user), new GrantedAuthoritySid("ROLE_USER")));
		if (user.equals("erin")) {
			held.add(new GrantedAuthoritySid("ROLE_STAFF"));
		}
		Set<String> ids = new TreeSet<>();
		for (Memo memo : all) {
			Set<String> memoEntries = entries.getOrDefault(id(memo), Set.of());
			if (held.stream().anyMatch((sid) -> memoEntries.contains(entry(sid, permission)))) {
				ids.add(id(memo));
			}
		}
		return ids;
	}

	/**
	 * A request id of its own: replies are remembered per principal and request id, and
	 * other tests' sessions of the same users share this context.
	 */
	private static String requestId(String name) {
		return "acl-" + name + "-" + UUID.randomUUID();
	}

	private static String entry(Sid sid, Permission permission) {
		return sid + "/" + permission.getMask();
	}

	/** A memo without an owner that the given users may read. */
	private Memo readableBy(String title, String... readers) {
		Memo memo = memo(title, null);
		for (String reader : readers) {
			this.acl.grantUser("memo", id(memo), reader, BasePermission.READ);
		}
		return memo;
	}

	private Memo memo(String title, String owner) {
		return memo(title, owner, null);
	}

	private Memo memo(String title, String owner, String label) {
		Memo memo = new Memo(title);
		memo.setOwner(owner);
		memo.setLabel(label);
		return this.memos.save(memo);
	}

	private static ObjectIdentity identity(Memo memo) {
		return new ObjectIdentityImpl(Memo.class.getName(), memo.getId());
	}

	private static void actAs(String user, String... authorities) {
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(user, null,
					AuthorityUtils.createAuthorityList(authorities)));
	}

	/**
	 * Connect as a user, resume the memos from a token and take what arrives until
	 * synced.
	 */
	/**
	 * Subscribe a client of the user to the memos, wait for its snapshot and disconnect.
	 * @return the token it would resume with
	 */
	private String tokenAfterSnapshot(String user) throws Exception {
		try (StompTestClient client = StompTestClient.connect(this.port, user)) {
			client.subscribe("memo");
			return lastToken(client.untilSynced());
		}
	}

	private List<Batch> resumeAs(String user, String token) throws Exception {
		try (StompTestClient client = StompTestClient.connect(this.port, user)) {
			client.subscribe("memo", token);
			return client.untilSynced();
		}
	}

	/**
	 * Subscribe a client to the memos and wait for its snapshot.
	 * @return the memos it holds once synced, by id
	 */
	private static Map<String, JsonNode> memos(StompTestClient client) throws Exception {
		client.subscribe("memo");
		return viewOf(client.untilSynced()).objects();
	}

	private static View viewOf(List<Batch> batches) {
		View view = new View();
		view.apply(batches);
		return view;
	}

	private static String lastToken(List<Batch> batches) {
		return batches.get(batches.size() - 1).token();
	}

	private static List<String> ids(List<Batch> batches) {
		return changes(batches).stream().map((change) -> change.get("id").asString()).toList();
	}

	private static List<JsonNode> changes(List<Batch> batches) {
		return batches.stream().flatMap((batch) -> batch.changes().stream()).toList();
	}

	/** The operation and id of each change of some batches, in order. */
	private static List<Tuple> opsAndIds(List<Batch> batches) {
		return changes(batches).stream()
			.map((change) -> tuple(change.get("op").asString(), change.get("id").asString()))
			.toList();
	}

	private static String id(Memo memo) {
		return memo.getId().toString();
	}

}
