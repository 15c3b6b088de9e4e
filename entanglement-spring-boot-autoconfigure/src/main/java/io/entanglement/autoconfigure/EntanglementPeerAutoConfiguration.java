package io.entanglement.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import io.entanglement.engine.SyncManager;
import io.entanglement.peer.EntanglementClient;
import io.entanglement.peer.PeerLinks;
import io.entanglement.peer.PeerSettings;
import jakarta.websocket.ContainerProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;
import org.springframework.web.socket.WebSocketHttpHeaders;

/**
 * Auto-configuration of the links to upstream peers ({@code entanglement.peers[*]}).
 *
 * @author Entanglement
 */
@AutoConfiguration(after = { EntanglementAutoConfiguration.class, EntanglementJpaAutoConfiguration.class },
		afterName = "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration")
@ConditionalOnBooleanProperty(name = "entanglement.enabled", matchIfMissing = true)
@ConditionalOnClass({ EntanglementClient.class, ContainerProvider.class,
		org.springframework.web.socket.messaging.WebSocketStompClient.class })
@ConditionalOnBean(SyncManager.class)
public final class EntanglementPeerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PeerLinks entanglementPeerLinks(SyncManager syncManager, EntanglementProperties properties,
			ObjectProvider<SslBundles> sslBundles) {
		List<PeerSettings> peers = new ArrayList<>();
		Duration reconnect = Duration.ofSeconds(1);
		for (EntanglementProperties.Peer peer : properties.getPeers()) {
			peers.add(settings(peer, sslBundles));
			if (peer.getReconnectInterval().compareTo(reconnect) < 0) {
				reconnect = peer.getReconnectInterval();
			}
		}
		return new PeerLinks(syncManager, peers, reconnect);
	}

	private static PeerSettings settings(EntanglementProperties.Peer peer, ObjectProvider<SslBundles> sslBundles) {
		Assert.state(StringUtils.hasText(peer.getName()), "Every entry of 'entanglement.peers' needs a 'name'");
		Assert.state(peer.getUrl() != null, () -> "Peer '" + peer.getName() + "' needs a 'url'");
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		if (StringUtils.hasText(peer.getToken())) {
			headers.setBearerAuth(peer.getToken());
		}
		else if (StringUtils.hasText(peer.getUsername())) {
			headers.setBasicAuth(peer.getUsername(), (peer.getPassword() != null) ? peer.getPassword() : "");
		}
		Map<String, Map<String, String>> types = new LinkedHashMap<>();
		for (String type : peer.getTypes()) {
			types.put(type, peer.getFilters().getOrDefault(type, Map.of()));
		}
		SSLContext sslContext = null;
		if (StringUtils.hasText(peer.getSslBundle())) {
			SslBundles bundles = sslBundles.getIfAvailable();
			Assert.state(bundles != null, () -> "Peer '" + peer.getName() + "' names SSL bundle '" + peer.getSslBundle()
					+ "', but no SSL bundles are configured (spring.ssl.bundle.*)");
			sslContext = bundles.getBundle(peer.getSslBundle()).createSslContext();
		}
		return new PeerSettings(peer.getName(), peer.getUrl(), headers, types, peer.getMaxBytesPerSecond().toBytes(),
				peer.isEnabled(), peer.getOnRemoval(), sslContext);
	}

}
