package io.edgeai.gateway.api;

import java.util.Objects;

/**
 * One MQTT message as received: topic and a private copy of the payload.
 *
 * @param connection name of the connection it arrived on
 * @param topic the topic it was published to
 * @param payload the payload bytes (owned by this record; do not modify)
 * @param qos the QoS it was delivered with
 * @param receivedNanos {@link System#nanoTime()} at arrival, for latency measurement
 */
public record InboundMessage(String connection, String topic, byte[] payload, int qos, long receivedNanos) {
    /** Validates. */
    public InboundMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
    }
}
