package io.entanglement.benchmarks.load.entangled;

import java.util.Map;

import io.entanglement.benchmarks.load.BenchController;
import io.entanglement.benchmarks.load.Committer;
import io.entanglement.benchmarks.load.LoadSecurityConfiguration;
import io.entanglement.benchmarks.load.LoadServers;

import io.entanglement.security.EntanglementAcl;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.acls.domain.BasePermission;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
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

	@Bean
	Committer<Marker> committer(MarkerRepository markers, TransactionTemplate transactions) {
		return new Committer<>(markers, Marker::new, transactions);
	}

	/**
	 * The committer of group markers (P6), marker {@code i} belonging to group
	 * {@code i % bench.groups}. Once created, each is granted {@code READ} to the
	 * authority of its group ({@code GROUP_g}), as an application grants a group's
	 * members access; the grants join one transaction per 100 markers.
	 * @param groupMarkers the group markers
	 * @param transactions the transactions
	 * @param groups how many groups
	 * @param acl the starter's access control list helper
	 * ({@code entanglement.security.acl.types=groupMarker})
	 * @return the committer
	 */
	@Bean
	Committer<GroupMarker> groupCommitter(GroupMarkerRepository groupMarkers, TransactionTemplate transactions,
			@Value("${bench.groups}") int groups, ObjectProvider<EntanglementAcl> acl) {
		return new Committer<>("group", groupMarkers, (id) -> new GroupMarker(id, groups), transactions, (from, to) -> {
			EntanglementAcl grants = acl.getObject();
			// As server code, not as the harness's HTTP caller.
			SecurityContext caller = SecurityContextHolder.getContext();
			SecurityContextHolder.clearContext();
			try {
				for (long first = from; first < to; first += 100) {
					long start = first;
					transactions.executeWithoutResult((status) -> {
						for (long id = start; id < Math.min(start + 100, to); id++) {
							grants.grantAuthority("groupMarker", Long.toString(id), "GROUP_" + (id % groups),
									BasePermission.READ);
						}
					});
				}
			}
			finally {
				SecurityContextHolder.setContext(caller);
			}
		});
	}

	@Bean
	ApplicationRunner seed(Committer<Marker> committer, @Value("${bench.objects}") int objects) {
		return (args) -> {
			committer.seed(objects);
			committer.ready();
		};
	}

	public static void main(String[] args) {
		LoadServers.run(EntangledLoadServer.class,
				Map.of("entanglement.node-id", "bench", "entanglement.security.acl.types", "groupMarker",
						"entanglement.security.clearances.ROLE_USER", GroupMarker.LABEL),
				args);
	}

}
