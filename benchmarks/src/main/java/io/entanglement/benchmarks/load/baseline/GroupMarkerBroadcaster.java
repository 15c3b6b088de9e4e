package io.entanglement.benchmarks.load.baseline;

import jakarta.persistence.PostPersist;
import jakarta.persistence.PostUpdate;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.messaging.simp.SimpMessagingTemplate;

/**
 * The baseline's synchronization of group markers: each insert or update is sent to its
 * group's topic, {@code /topic/group/{groupId}}, one message per change. Who may
 * subscribe to that topic is checked once, at subscription, by
 * {@link GroupSubscriptionInterceptor}.
 *
 * @author Entanglement
 */
public class GroupMarkerBroadcaster {

	private final ObjectProvider<SimpMessagingTemplate> messaging;

	public GroupMarkerBroadcaster(ObjectProvider<SimpMessagingTemplate> messaging) {
		this.messaging = messaging;
	}

	@PostPersist
	@PostUpdate
	void changed(GroupMarker marker) {
		this.messaging.getObject().convertAndSend("/topic/group/" + marker.getGroupId(), GroupMarkerMessage.of(marker));
	}

}
