package io.entanglement.benchmarks.load.entangled;

import java.util.Map;

import io.entanglement.benchmarks.load.BenchController;
import io.entanglement.benchmarks.load.Committer;
import io.entanglement.benchmarks.load.LoadSecurityConfiguration;
import io.entanglement.benchmarks.load.LoadServers;

import io.entanglement.security.EntanglementAcl;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.acls.domain.BasePermission;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The load harness's server with Entanglement: markers committed by the {@link Committer}
 * reach subscribers of {@code /entanglement/marker} through the starter, with its
 * defaults unless the command line sets {@code entanglement.*}.
 *
 * @author Entanglement
 */
@SpringBootApplication
@Import({ LoadSecurityConfiguration.class, BenchController.class })
public class EntangledLoadServer {

	private static final Log logger = LogFactory.getLog(EntangledLoadServer.class);

	/**
	 * The committer of markers or, with {@code bench.groups} above zero (P6), of group
	 * markers, marker {@code i} belonging to group {@code i % groups}.
	 * @param markers the markers
	 * @param groupMarkers the group markers
	 * @param transactions the transactions
	 * @param groups how many groups, zero for plain markers
	 * @return the committer
	 */
	@Bean
	Committer<?> committer(MarkerRepository markers, GroupMarkerRepository groupMarkers,
			TransactionTemplate transactions, @Value("${bench.groups:0}") int groups) {
		if (groups > 0) {
			return new Committer<>(groupMarkers, (id) -> new GroupMarker(id, groups), transactions);
		}
		return new Committer<>(markers, Marker::new, transactions);
	}

	/**
	 * Seeds the markers; with groups, grants {@code READ} on each group marker to the
	 * authority of its group ({@code GROUP_g}), as an application grants a group's
	 * members access.
	 * @param committer the committer
	 * @param objects how many markers
	 * @param groups how many groups, zero for plain markers
	 * @param acl the starter's access control list helper (with
	 * {@code entanglement.security.acl.types=groupMarker})
	 * @param transactions the transactions
	 * @return the seeding task
	 */
	@Bean
	ApplicationRunner seed(Committer<?> committer, @Value("${bench.objects}") int objects,
			@Value("${bench.groups:0}") int groups, ObjectProvider<EntanglementAcl> acl,
			TransactionTemplate transactions) {
		return (args) -> {
			committer.seed(objects);
			if (groups <= 0) {
				committer.ready();
			}
			else {
				long started = System.nanoTime();
				EntanglementAcl grants = acl.getObject();
				// Grants join the caller's transaction: one per 100 markers.
				for (long first = 0; first < objects; first += 100) {
					long from = first;
					transactions.executeWithoutResult((status) -> {
						for (long id = from; id < Math.min(from + 100, objects); id++) {
							grants.grantAuthority("groupMarker", Long.toString(id), "GROUP_" + (id % groups),
									BasePermission.READ);
						}
					});
				}
				committer.ready();
				logger.info("Granted " + objects + " group markers in " + (System.nanoTime() - started) / 1_000_000
						+ " ms");
			}
		};
	}

	public static void main(String[] args) {
		LoadServers.run(EntangledLoadServer.class, Map.of("entanglement.node-id", "bench"), args);
	}

}
