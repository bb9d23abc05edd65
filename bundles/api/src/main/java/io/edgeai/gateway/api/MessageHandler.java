package io.edgeai.gateway.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives messages of a subscription. Called on the MQTT client's callback thread: it must only
 * hand the message over (enqueue) and return; it must not block or throw.
 */
@ConsumerType
@FunctionalInterface
public interface MessageHandler {
    /** @param message the received message */
    void onMessage(InboundMessage message);
}
