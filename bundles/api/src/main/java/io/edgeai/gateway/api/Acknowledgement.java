package io.edgeai.gateway.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Acknowledges one received message to its broker. A consumer that subscribed with manual
 * acknowledgement calls it once the input's outcome (its result or its dead letter) is published or
 * durably stored; until then the broker keeps the message in the session and delivers it again after a
 * reconnect. Safe to call from any thread; calls after the first and calls after the connection that
 * received the message was lost do nothing (the broker redelivers then).
 */
@ProviderType
@FunctionalInterface
public interface Acknowledgement {
    /** Nothing to acknowledge: QoS 0, or a subscription without manual acknowledgement. */
    Acknowledgement NONE = () -> {};

    /** Acknowledges the message (a PUBACK for QoS 1, a PUBCOMP for QoS 2). */
    void acknowledge();
}
