package io.entanglement.benchmarks.load.baseline;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.stereotype.Controller;

/**
 * The baseline's equivalent of transitions (P8): each drag a client sends to
 * {@code /app/drag} is rebroadcast to {@code /topic/drag}, with the sender's name, to
 * every subscriber, as it comes.
 *
 * @author Entanglement
 */
@Controller
public class DragController {

	@MessageMapping("/drag")
	@SendTo("/topic/drag")
	public Map<String, Object> drag(Map<String, Object> drag, Principal user) {
		Map<String, Object> out = new LinkedHashMap<>(drag);
		out.put("by", user.getName());
		return out;
	}

}
