package io.edgeai.gateway.broker.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the embedded MQTT broker (PID {@code edgeai.broker}). */
@ObjectClassDefinition(
        name = "EdgeAI embedded MQTT broker",
        description = "An in-process MQTT 3.1, 3.1.1 and 5 broker (HiveMQ Community Edition) for boxes without one. "
                + "Switch it off to use an external broker.")
public @interface BrokerConfig {

    @AttributeDefinition(
            name = "Enabled",
            description = "Run the embedded broker. Set to false when the gateway connects to an external broker.")
    boolean enabled() default true;

    @AttributeDefinition(
            name = "Host",
            description = "Address to listen on. Anonymous clients are accepted only on a loopback address; "
                    + "any other address needs a password file or the broker refuses to start.")
    String host() default "127.0.0.1";

    @AttributeDefinition(name = "Port", description = "TCP port for plain MQTT.", min = "1", max = "65535")
    int port() default 1883;

    @AttributeDefinition(
            name = "Allow anonymous",
            description = "Accept clients without credentials. Honoured only when the host is a loopback address.")
    boolean allowAnonymous() default true;

    @AttributeDefinition(
            name = "Password file",
            description = "Password file, one 'user:sha256-hex-of-password' per line. "
                    + "Required when the host is not a loopback address. Empty: none.")
    String passwordFile() default "";

    @AttributeDefinition(
            name = "Persistence",
            description = "Keep sessions, subscriptions, retained and queued QoS 1/2 messages on disk (under the "
                    + "data directory) across restarts. Off: in memory while the broker runs.")
    boolean persistenceEnabled() default false;

    @AttributeDefinition(
            name = "Data directory",
            description = "Where the broker keeps its files (its generated config.xml; with persistence, its "
                    + "stores). "
                    + "A relative path is resolved against Karaf's data directory.")
    String dataDir() default "edgeai-broker";

    @AttributeDefinition(
            name = "Max message size",
            description = "Largest MQTT packet accepted, in bytes; bigger ones close the client's connection.",
            min = "1024")
    int maxMessageSize() default 16777216;

    @AttributeDefinition(
            name = "Max queued messages per client",
            description = "QoS 1 and 2 messages kept for one client beyond its in-flight window, or while its "
                    + "persistent session is offline. When full, newer messages for that client are discarded "
                    + "(counted: edgeai:status, edgeai_embedded_broker_messages_dropped_total, and one WARN line in "
                    + "karaf.log per 10 s while it happens). QoS 0 messages to a connected client are not queued here.",
            min = "1")
    long maxQueuedMessages() default 100000;

    @AttributeDefinition(
            name = "Flow control: queued bytes",
            description = "When the broker holds more than this many bytes of queued messages (subscribers slower "
                    + "than their publishers), QoS 1 and 2 publishes of clients that do not subscribe wait for their "
                    + "PUBACK until the queue drains below seven eighths of it, so publishers slow down instead of "
                    + "messages being discarded at maxQueuedMessages. A queue that does not drain within 5 s (a "
                    + "persistent session offline for good) releases them and pauses flow control for a minute, "
                    + "with a WARN line. Counted in memory (persistenceEnabled = false). 0 turns flow control off.",
            min = "0")
    long flowControlQueuedBytes() default 2097152;

    @AttributeDefinition(
            name = "Refused subscriptions",
            description = "MQTT topic filters nobody may subscribe to, comma-separated: a subscription whose filter, "
                    + "read as a topic, matches one of them gets a failure in its SUBACK (0x80; MQTT 5: not "
                    + "authorized). Example: secret/#,$SYS/#. Empty: every subscription is granted.")
    String[] refusedSubscriptions() default {};
}
