package io.entanglement.benchmarks.load.entangled;

import java.util.Map;

import io.entanglement.benchmarks.load.BenchController;
import io.entanglement.benchmarks.load.Committer;
import io.entanglement.benchmarks.load.LoadSecurityConfiguration;
import io.entanglement.benchmarks.load.LoadServers;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
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
	Committer<Marker> committer(MarkerRepository repository, TransactionTemplate transactions) {
		return new Committer<>(repository, Marker::new, transactions);
	}

	@Bean
	ApplicationRunner seed(Committer<Marker> committer, @Value("${bench.objects}") int objects) {
		return (args) -> committer.seed(objects);
	}

	public static void main(String[] args) {
		LoadServers.run(EntangledLoadServer.class, Map.of("entanglement.node-id", "bench"), args);
	}

}
