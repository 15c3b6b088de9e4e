package io.entanglement.stomp;

import org.springframework.context.SmartLifecycle;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.SubscribableChannel;

/**
 * A handler of client frames that attaches itself to the client inbound channel while the
 * application context runs, beside Spring's own broker handlers.
 *
 * @author Entanglement
 */
abstract class InboundChannelHandler implements MessageHandler, SmartLifecycle {

	private final SubscribableChannel clientInboundChannel;

	private volatile boolean running;

	InboundChannelHandler(SubscribableChannel clientInboundChannel) {
		this.clientInboundChannel = clientInboundChannel;
	}

	@Override
	public void start() {
		this.clientInboundChannel.subscribe(this);
		this.running = true;
	}

	@Override
	public void stop() {
		this.clientInboundChannel.unsubscribe(this);
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
