package io.entanglement.jpa;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.entanglement.SyncViewer;
import io.entanglement.autoconfigure.EntanglementAutoConfiguration;
import io.entanglement.autoconfigure.EntanglementJpaAutoConfiguration;
import io.entanglement.engine.Batch;
import io.entanglement.engine.RecordingTransport;
import io.entanglement.engine.SessionOutbox;
import io.entanglement.engine.SyncManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link JpaChangeCapture}: what a committed, rolled-back or repeated change of
 * an {@code @Entangled} repository's entity makes reach the engine.
 * <p>
 * Everything committed is fanned out in commit order, so a test commits a marker after
 * what it checks: whatever the checked transactions published arrives before the marker.
 * The outbox coalesces what arrives together, so the engine's count of offered changes
 * tells how many were published.
 *
 * @author Entanglement
 */
@SpringBootTest(classes = JpaChangeCaptureTests.TestApplication.class, webEnvironment = WebEnvironment.NONE,
		properties = { "entanglement.node-id=node-7",
				// Flyway on the classpath turns Hibernate's schema creation off.
				"spring.jpa.hibernate.ddl-auto=create-drop" })
class JpaChangeCaptureTests {

	@Autowired
	private SyncManager syncManager;

	@Autowired
	private TrackedPointRepository points;

	@Autowired
	private NodeNoteRepository notes;

	@Autowired
	private TransactionTemplate transactions;

	@Autowired
	private JdbcTemplate jdbc;

	private final List<SessionOutbox> outboxes = new ArrayList<>();

	private RecordingTransport transport;

	private long offeredAtStart;

	@BeforeEach
	void subscribe() throws InterruptedException {
		this.transport = subscribe("points", "notes");
		this.offeredAtStart = this.syncManager.metrics().offered();
	}

	@AfterEach
	void close() {
		this.outboxes.forEach(this.syncManager::close);
	}

	@Test
	void rolledBackTransactionPublishesNothingAndLogsNothingEvenAfterItFlushed() throws Exception {
		String id = newId();
		this.transactions.executeWithoutResult((status) -> {
			this.points.saveAndFlush(new TrackedPoint(id, "doomed"));
			status.setRollbackOnly();
		});
		assertThat(this.points.findById(id)).isEmpty();
		Published published = publishedBeforeMarker();
		assertThat(published.count()).isZero();
		assertThat(published.received()).isEmpty();
		assertThat(changeLogRows("point", id)).isZero();
	}

	@Test
	void sequentialTransactionsArriveInCommitOrderWithIncreasingSequenceNumbers() throws Exception {
		String first = newId();
		String second = newId();
		String third = newId();
		this.points.save(new TrackedPoint(first, "first"));
		this.points.save(new TrackedPoint(second, "second"));
		this.points.save(new TrackedPoint(third, "third"));
		Published published = publishedBeforeMarker();
		assertThat(published.count()).isEqualTo(3);
		assertThat(published.received()).extracting(Batch.Change::id).containsExactly(first, second, third);
		assertThat(List.of(seq("point", first), seq("point", second), seq("point", third))).isSorted()
			.doesNotHaveDuplicates();
	}

	@Test
	void severalSavesOfOneObjectInOneTransactionPublishOneChangeWithTheLastState() throws Exception {
		String id = newId();
		this.transactions.executeWithoutResult((status) -> {
			TrackedPoint point = this.points.saveAndFlush(new TrackedPoint(id, "first"));
			point.setName("second");
			this.points.saveAndFlush(point);
			point.setName("third");
			this.points.save(point);
		});
		long version = this.points.findById(id).orElseThrow().getVersion();
		assertThat(version).isEqualTo(2);
		Published published = publishedBeforeMarker();
		assertThat(published.count()).isOne();
		assertThat(published.received()).singleElement().satisfies((change) -> {
			assertThat(change.op()).isEqualTo("upsert");
			assertThat(change.id()).isEqualTo(id);
			assertThat(change.version()).isEqualTo(version);
			assertThat(change.state()).containsEntry("name", "third");
		});
		assertThat(this.jdbc.queryForObject(
				"SELECT version FROM entanglement_change WHERE object_type = 'point' AND object_id = ?", Long.class,
				id))
			.isEqualTo(version);
	}

	@Test
	void insertAndDeleteInOneTransactionPublishNothing() throws Exception {
		String id = newId();
		this.transactions.executeWithoutResult((status) -> {
			TrackedPoint point = this.points.saveAndFlush(new TrackedPoint(id, "short-lived"));
			this.points.delete(point);
		});
		Published published = publishedBeforeMarker();
		assertThat(published.count()).isZero();
		assertThat(published.received()).isEmpty();
		assertThat(changeLogRows("point", id)).isZero();
	}

	@Test
	void deletePublishesADeleteOneVersionAboveTheLast() throws Exception {
		String id = newId();
		this.points.save(new TrackedPoint(id, "created"));
		this.transactions.executeWithoutResult((status) -> this.points.findById(id).orElseThrow().setName("updated"));
		this.points.deleteById(id);
		Published published = publishedBeforeMarker();
		assertThat(published.count()).isEqualTo(3);
		// What arrived together was coalesced; the delete comes last, above every
		// version.
		assertThat(published.received()).extracting(Batch.Change::version).isSorted().doesNotHaveDuplicates();
		assertThat(published.received()).last().satisfies((change) -> {
			assertThat(change.op()).isEqualTo("delete");
			assertThat(change.version()).isEqualTo(2);
			assertThat(change.fields()).containsExactlyInAnyOrder("op", "id", "version");
		});
		Map<String, Object> row = this.jdbc.queryForMap(
				"SELECT version, deleted FROM entanglement_change WHERE object_type = 'point' AND object_id = ?", id);
		assertThat(row).containsEntry("VERSION", 2L).containsEntry("DELETED", true);
	}

	@Test
	void ignoredFieldsNeverAppearInState() throws Exception {
		String id = newId();
		TrackedPoint point = new TrackedPoint(id, "visible");
		point.setSecret("s3cret");
		point.setOwner("bob");
		this.points.save(point);
		// Owner, id and version travel in their own fields, never in the state.
		assertThat(publishedBeforeMarker().received()).singleElement()
			.satisfies((change) -> assertThat(change.state()).containsOnlyKeys("name"));
		assertThat(snapshot("point")).filteredOn((change) -> change.id().equals(id))
			.singleElement()
			.satisfies((change) -> assertThat(change.state()).containsOnlyKeys("name"));
	}

	@Test
	void ownerComesFromTheSyncOwnerFieldOrIsTheNode() throws Exception {
		String owned = newId();
		String unowned = newId();
		TrackedPoint point = new TrackedPoint(owned, "bob's");
		point.setOwner("bob");
		this.points.save(point);
		this.points.save(new TrackedPoint(unowned, "nobody's"));
		assertThat(publishedBeforeMarker().received()).extracting(Batch.Change::id, Batch.Change::owner)
			.containsExactly(tuple(owned, "bob"), tuple(unowned, "node-7"));
		assertThat(snapshot("point")).filteredOn((change) -> change.id().equals(owned) || change.id().equals(unowned))
			.extracting(Batch.Change::id, Batch.Change::owner)
			.containsExactlyInAnyOrder(tuple(owned, "bob"), tuple(unowned, "node-7"));
	}

	@Test
	void entityWithoutAnOwnerFieldIsOwnedByTheNode() throws Exception {
		String id = newId();
		this.notes.save(new NodeNote(id, "hello"));
		List<Batch.Change> changes = new ArrayList<>();
		while (changes.stream().noneMatch((change) -> change.id().equals(id))) {
			this.transport.nextWrite()
				.batches()
				.stream()
				.filter((batch) -> batch.subscriptionId().equals("notes"))
				.forEach((batch) -> changes.addAll(batch.changes()));
		}
		assertThat(changes).singleElement().satisfies((change) -> {
			assertThat(change.owner()).isEqualTo("node-7");
			assertThat(change.state()).containsExactly(Map.entry("text", "hello"));
		});
	}

	@Test
	void entityWithoutAVersionFailsTheStartupAndSaysWhatToAdd() {
		new ApplicationContextRunner().withConfiguration(AUTO_CONFIGURATIONS)
			.withUserConfiguration(UnversionedApplication.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(IllegalStateException.class)
					.hasMessage("Entity " + UnversionedThing.class.getName() + " synchronized as 'thing' needs a "
							+ "numeric @Version attribute, for example '@Version private long version;'");
			});
	}

	@Test
	void applicationWithoutTheEngineStillWritesItsEntities() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					HibernateJpaAutoConfiguration.class, EntanglementJpaAutoConfiguration.class))
			.withUserConfiguration(PointsApplication.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(SyncManager.class);
				TrackedPointRepository points = context.getBean(TrackedPointRepository.class);
				points.save(new TrackedPoint("1", "saved"));
				assertThat(points.findById("1")).isPresent();
			});
	}

	private static final AutoConfigurations AUTO_CONFIGURATIONS = AutoConfigurations.of(
			DataSourceAutoConfiguration.class, HibernateJpaAutoConfiguration.class, EntanglementAutoConfiguration.class,
			EntanglementJpaAutoConfiguration.class);

	private RecordingTransport subscribe(String... subscriptions) throws InterruptedException {
		RecordingTransport transport = RecordingTransport.fast();
		SessionOutbox outbox = this.syncManager.open(new SyncViewer("session-" + newId(), () -> "alice"), transport);
		this.outboxes.add(outbox);
		for (String subscription : subscriptions) {
			this.syncManager.subscribe(outbox, subscription, type(subscription), null);
		}
		List<String> synced = new ArrayList<>();
		while (synced.size() < subscriptions.length) {
			transport.nextWrite()
				.batches()
				.stream()
				.filter(Batch::synced)
				.forEach((batch) -> synced.add(batch.subscriptionId()));
		}
		return transport;
	}

	/**
	 * A fresh subscription's snapshot.
	 */
	private List<Batch.Change> snapshot(String type) throws InterruptedException {
		RecordingTransport transport = RecordingTransport.fast();
		SessionOutbox outbox = this.syncManager.open(new SyncViewer("session-" + newId(), () -> "alice"), transport);
		this.outboxes.add(outbox);
		this.syncManager.subscribe(outbox, "snapshot", type, null);
		return transport.batchesUntilSynced("snapshot").stream().flatMap((batch) -> batch.changes().stream()).toList();
	}

	/**
	 * Commit a marker point; what was published before it, as received and as counted.
	 */
	private Published publishedBeforeMarker() throws InterruptedException {
		String marker = newId();
		this.points.save(new TrackedPoint(marker, "marker"));
		List<Batch.Change> changes = new ArrayList<>();
		while (true) {
			for (Batch batch : this.transport.nextWrite().batches()) {
				if (!batch.subscriptionId().equals("points")) {
					continue;
				}
				for (Batch.Change change : batch.changes()) {
					if (change.id().equals(marker)) {
						long offered = this.syncManager.metrics().offered() - this.offeredAtStart;
						return new Published(changes, offered - 1);
					}
					changes.add(change);
				}
			}
		}
	}

	private int changeLogRows(String type, String id) {
		return this.jdbc.queryForObject(
				"SELECT COUNT(*) FROM entanglement_change WHERE object_type = ? AND object_id = ?", Integer.class, type,
				id);
	}

	private long seq(String type, String id) {
		return this.jdbc.queryForObject("SELECT seq FROM entanglement_change WHERE object_type = ? AND object_id = ?",
				Long.class, type, id);
	}

	private static String type(String subscription) {
		return subscription.equals("points") ? "point" : "note";
	}

	private static String newId() {
		return UUID.randomUUID().toString();
	}

	/**
	 * Point changes that reached the test's session, after coalescing, and how many the
	 * engine was given for it.
	 */
	record Published(List<Batch.Change> received, long count) {

	}

	/**
	 * The application under test. Its entities are listed, not scanned: this package also
	 * holds an entity that must fail the startup of another context.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableJpaRepositories(basePackageClasses = TrackedPoint.class,
			includeFilters = @Filter(type = FilterType.ASSIGNABLE_TYPE,
					classes = { TrackedPointRepository.class, NodeNoteRepository.class }))
	static class TestApplication {

		@Bean
		PersistenceManagedTypes persistenceManagedTypes() {
			return PersistenceManagedTypes.of(TrackedPoint.class.getName(), NodeNote.class.getName());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableJpaRepositories(basePackageClasses = TrackedPoint.class,
			includeFilters = @Filter(type = FilterType.ASSIGNABLE_TYPE, classes = TrackedPointRepository.class))
	static class PointsApplication {

		@Bean
		PersistenceManagedTypes persistenceManagedTypes() {
			return PersistenceManagedTypes.of(TrackedPoint.class.getName());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableJpaRepositories(basePackageClasses = UnversionedThing.class,
			includeFilters = @Filter(type = FilterType.ASSIGNABLE_TYPE, classes = UnversionedThingRepository.class))
	static class UnversionedApplication {

		@Bean
		PersistenceManagedTypes persistenceManagedTypes() {
			return PersistenceManagedTypes.of(UnversionedThing.class.getName());
		}

	}

}
