package io.edgeai.gateway.api;

import java.util.Objects;

/**
 * One MQTT message as received: topic, a private copy of the payload, and how to acknowledge it.
 *
 * @param connection name of the connection it arrived on
 * @param topic the topic it was published to
 * @param payload the payload bytes (owned by this record; do not modify)
 * @param qos the QoS it was delivered with
 * @param receivedNanos {@link System#nanoTime()} at arrival, for latency measurement
 * @param duplicate the broker's DUP flag: it may have delivered this message before (after a reconnect)
 * @param acknowledgement acknowledges the message; {@link Acknowledgement#NONE} when there is nothing to do
 * @since 1.3
 */
public record InboundMessage(
        String connection,
        String topic,
        byte[] payload,
        int qos,
        long receivedNanos,
        boolean duplicate,
        Acknowledgement acknowledgement) {
    /** Validates; a null acknowledgement is {@link Acknowledgement#NONE}. */
    public InboundMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        acknowledgement = acknowledgement == null ? Acknowledgement.NONE : acknowledgement;
    }

    /**
     * A message that needs no acknowledgement and is not a duplicate.
     *
     * @param connection name of the connection it arrived on
     * @param topic the topic it was published to
     * @param payload the payload bytes
     * @param qos the QoS it was delivered with
     * @param receivedNanos {@link System#nanoTime()} at arrival
     */
    public InboundMessage(String connection, String topic, byte[] payload, int qos, long receivedNanos) {
        this(connection, topic, payload, qos, receivedNanos, false, Acknowledgement.NONE);
    }

    /**
     * @param other payload bytes
     * @return this message with another payload (same acknowledgement)
     * @since 1.3
     */
    public InboundMessage withPayload(byte[] other) {
        return new InboundMessage(connection, topic, other, qos, receivedNanos, duplicate, acknowledgement);
    }

    /**
     * Acknowledges the message to the broker (see {@link Acknowledgement}).
     *
     * @since 1.3
     */
    public void acknowledge() {
        acknowledgement.acknowledge();
    }
}
