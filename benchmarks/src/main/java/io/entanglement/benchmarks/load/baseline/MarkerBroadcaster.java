package io.entanglement.benchmarks.load.baseline;

import jakarta.persistence.PostPersist;
import jakarta.persistence.PostUpdate;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.messaging.simp.SimpMessagingTemplate;

/**
 * The baseline's whole synchronization: each insert or update of a marker is sent to
 * {@code /topic/marker} on Spring's simple broker, one message per change. Hibernate
 * creates it through Spring, which injects the template.
 *
 * @author Entanglement
 */
public class MarkerBroadcaster {

	private final ObjectProvider<SimpMessagingTemplate> messaging;

	public MarkerBroadcaster(ObjectProvider<SimpMessagingTemplate> messaging) {
		this.messaging = messaging;
	}

	@PostPersist
	@PostUpdate
	void changed(Marker marker) {
		this.messaging.getObject().convertAndSend("/topic/marker", MarkerMessage.of(marker));
	}

}
