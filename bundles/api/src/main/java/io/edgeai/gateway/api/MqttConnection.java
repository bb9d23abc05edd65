package io.edgeai.gateway.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A managed connection to an MQTT broker, registered with {@link EdgeAiConstants#CONNECTION_NAME}.
 * It connects, reconnects and re-subscribes by itself; publishing never blocks the caller.
 */
@ProviderType
public interface MqttConnection {
    /** Priority of routine results. */
    int PRIORITY_NORMAL = 0;
    /** Priority of alarms: sent before routine results when a backlog drains. */
    int PRIORITY_HIGH = 1;

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

    /**
     * Subscribes like {@link #subscribe(String, int, MessageHandler)}; with {@code manualAck} the broker's
     * acknowledgement of each QoS 1/2 message waits until the handler's consumer calls
     * {@link InboundMessage#acknowledge()}, so a message whose outcome was not yet published or stored is
     * delivered again after a reconnect (at least once). Without it, messages are acknowledged on arrival.
     *
     * @param topicFilter MQTT topic filter
     * @param qos requested QoS
     * @param handler receives the messages; must return quickly
     * @param manualAck whether the consumer acknowledges each message itself
     * @since 1.3
     */
    default void subscribe(String topicFilter, int qos, MessageHandler handler, boolean manualAck) {
        subscribe(topicFilter, qos, handler);
    }

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

    /**
     * Queues a message for publishing with a priority, and tells when it is safe. The connection keeps it
     * (on disk when its store is durable) until the broker acknowledged it (QoS 1/2) or it was handed to
     * the network (QoS 0); {@code whenSafe} runs once it is stored that way (or at once when the store
     * dropped it by its overflow policy, which is counted), on an internal thread: it must be quick.
     *
     * @param topic destination topic
     * @param payload bytes to send
     * @param qos QoS 0, 1 or 2
     * @param retained whether the broker keeps it as the topic's last value
     * @param priority {@link #PRIORITY_NORMAL} or {@link #PRIORITY_HIGH}; higher drains first, order is
     *        kept among messages of one priority
     * @param whenSafe runs once the message is stored (never null)
     * @return false when the store was full and this message was dropped (counted)
     * @since 1.3
     */
    default boolean publish(String topic, byte[] payload, int qos, boolean retained, int priority, Runnable whenSafe) {
        boolean kept = publish(topic, payload, qos, retained);
        whenSafe.run();
        return kept;
    }

    /**
     * A lane of this connection: a session of its own with the same broker, settings and credentials
     * (client id {@code <clientId>-<lane>}, no status topic), for traffic that must not wait behind this
     * connection's data. MQTT's flow control is per session: once the broker's in-flight window towards one
     * session is full of messages its consumer holds back (a pipeline under {@code hold-acks}), everything
     * else for that session waits behind them; on a lane it does not. The lane is created on first use and
     * lives as long as this connection; asking again for the same name gives the same lane.
     *
     * @param lane the lane's name (letters, digits, {@code -} and {@code _}); empty for this connection itself
     * @return the lane
     * @since 1.8
     */
    default MqttConnection lane(String lane) {
        return this;
    }

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
