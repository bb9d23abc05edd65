package io.edgeai.gateway.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A managed connection to an MQTT broker, registered with {@link EdgeAiConstants#CONNECTION_NAME}.
 * It connects, reconnects and re-subscribes by itself; publishing never blocks the caller.
 */
@ProviderType
public interface MqttConnection {
    /** @return the configured connection name */
    String name();

    /**
     * Subscribes now (when connected) and again after every reconnect.
     *
     * @param topicFilter MQTT topic filter
     * @param qos requested QoS
     * @param handler receives the messages; must return quickly
     */
    void subscribe(String topicFilter, int qos, MessageHandler handler);

    /** @param topicFilter a filter earlier passed to {@link #subscribe} */
    void unsubscribe(String topicFilter);

    /**
     * Queues a message for publishing. Messages wait in a bounded queue while the broker is away.
     *
     * @param topic destination topic
     * @param payload bytes to send
     * @param qos QoS 0, 1 or 2
     * @param retained whether the broker keeps it as the topic's last value
     * @return false when the queue was full and the message was dropped (counted)
     */
    boolean publish(String topic, byte[] payload, int qos, boolean retained);

    /** @return a snapshot of state and counters */
    ConnectionStatus status();

    /**
     * @return the live members of the group this connection's gateway belongs to (its {@code group}
     *         setting), empty when it belongs to none
     * @since 1.3
     */
    default java.util.Optional<GroupMembership> membership() {
        return java.util.Optional.empty();
    }
}
