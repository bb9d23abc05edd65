package io.edgeai.gateway.mqtt.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** One broker connection (factory PID {@code edgeai.mqtt.connection}). */
@ObjectClassDefinition(id = "edgeai.mqtt.connection", name = "EdgeAI MQTT connection",
        description = "A managed connection to an MQTT broker, used by pipelines by name.")
public @interface ConnectionConfig {
    /** @return connection name */
    @AttributeDefinition(name = "Name", description = "Name pipelines refer to (connection.target=(edgeai.connection.name=NAME)).")
    String name() default "local";

    /** @return broker URI */
    @AttributeDefinition(name = "Server URI", description = "Broker URI, tcp://host:port or ssl://host:port.")
    String serverUri() default "tcp://127.0.0.1:1883";

    /** @return client id */
    @AttributeDefinition(name = "Client id", description = "MQTT client id; empty means edgeai-<host name>-<name>.")
    String clientId() default "";

    /** @return user name */
    @AttributeDefinition(name = "User name", description = "User name for the broker; empty for none.")
    String username() default "";

    /** @return password */
    @AttributeDefinition(name = "Password", description = "Password for the broker; never logged.", type = AttributeType.PASSWORD)
    String password() default "";

    /** @return clean session */
    @AttributeDefinition(name = "Clean session", description = "Start each connection with a clean session.")
    boolean cleanSession() default true;

    /** @return keep-alive */
    @AttributeDefinition(name = "Keep-alive (s)", description = "MQTT keep-alive interval in seconds.", min = "1")
    int keepAliveSeconds() default 30;

    /** @return connect timeout */
    @AttributeDefinition(name = "Connect timeout (s)", description = "How long one connect attempt may take.", min = "1")
    int connectTimeoutSeconds() default 10;

    /** @return in-flight window */
    @AttributeDefinition(name = "Max in-flight", description = "QoS 1/2 messages in flight at once (Paho's window).", min = "1")
    int maxInflight() default 1000;

    /** @return publish queue capacity */
    @AttributeDefinition(name = "Publish queue capacity", description = "Messages held while the broker is slow or away; the oldest are dropped (and counted) beyond it.", min = "1")
    int publishQueueCapacity() default 10000;

    /** @return first reconnect delay */
    @AttributeDefinition(name = "Reconnect min delay (ms)", description = "First back-off after a failed connect; doubles up to the max, with jitter.", min = "10")
    int reconnectMinDelayMs() default 500;

    /** @return longest reconnect delay */
    @AttributeDefinition(name = "Reconnect max delay (ms)", description = "Longest back-off between connect attempts.", min = "10")
    int reconnectMaxDelayMs() default 30000;

    /** @return status topic */
    @AttributeDefinition(name = "Status topic", description = "Retained online/offline status (birth and last will); empty to disable. {clientId} is replaced.")
    String statusTopic() default "edgeai/gateway/{clientId}/status";
}
