package io.edgeai.gateway.mqtt.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** One broker connection (factory PID {@code edgeai.mqtt.connection}). */
@ObjectClassDefinition(
        id = "edgeai.mqtt.connection",
        name = "EdgeAI MQTT connection",
        description = "A managed connection to an MQTT broker, used by pipelines by name.")
public @interface ConnectionConfig {
    /** @return connection name */
    @AttributeDefinition(
            name = "Name",
            description = "Name pipelines refer to (connection.target=(edgeai.connection.name=NAME)).")
    String name() default "local";

    /** @return broker URI */
    @AttributeDefinition(
            name = "Server URI",
            description = "Broker URI, tcp://host:port or ssl://host:port (TLS; "
                    + "the broker's certificate must name this host, as a DNS or IP subject alternative name).")
    String serverUri() default "tcp://127.0.0.1:1883";

    /** @return client id */
    @AttributeDefinition(name = "Client id", description = "MQTT client id; empty means edgeai-<host name>-<name>.")
    String clientId() default "";

    /** @return user name */
    @AttributeDefinition(name = "User name", description = "User name for the broker; empty for none.")
    String username() default "";

    /** @return password */
    @AttributeDefinition(
            name = "Password",
            description = "Password for the broker; never logged, but shown by "
                    + "config:list (also when given as $[secret:NAME]). Prefer Password file.",
            type = AttributeType.PASSWORD)
    String password() default "";

    /** @return password file */
    @AttributeDefinition(
            name = "Password file",
            description = "File holding the password (read at each connect, "
                    + "trailing line break ignored); overrides Password. Empty: none.")
    String passwordFile() default "";

    /** @return key store path */
    @AttributeDefinition(
            name = "Key store",
            description =
                    "Client key and certificate chain for mutual TLS " + "(ssl:// only). Empty: no client certificate.")
    String keyStore() default "";

    /** @return key store type */
    @AttributeDefinition(
            name = "Key store type",
            description = "Type of the key store.",
            options = {@Option(label = "PKCS12", value = "PKCS12"), @Option(label = "JKS", value = "JKS")})
    String keyStoreType() default "PKCS12";

    /** @return key store password */
    @AttributeDefinition(
            name = "Key store password",
            description = "Password of the key store and its key; " + "never logged. Prefer Key store password file.",
            type = AttributeType.PASSWORD)
    String keyStorePassword() default "";

    /** @return key store password file */
    @AttributeDefinition(
            name = "Key store password file",
            description = "File holding the key store password "
                    + "(trailing line break ignored); overrides Key store password. Empty: none.")
    String keyStorePasswordFile() default "";

    /** @return trust store path */
    @AttributeDefinition(
            name = "Trust store",
            description = "CA certificates trusted for the broker's certificate "
                    + "(ssl:// only). Empty: the JVM's default CAs.")
    String trustStore() default "";

    /** @return trust store type */
    @AttributeDefinition(
            name = "Trust store type",
            description = "Type of the trust store.",
            options = {@Option(label = "PKCS12", value = "PKCS12"), @Option(label = "JKS", value = "JKS")})
    String trustStoreType() default "PKCS12";

    /** @return trust store password */
    @AttributeDefinition(
            name = "Trust store password",
            description = "Password of the trust store; empty for none. " + "Never logged.",
            type = AttributeType.PASSWORD)
    String trustStorePassword() default "";

    /** @return trust store password file */
    @AttributeDefinition(
            name = "Trust store password file",
            description = "File holding the trust store password "
                    + "(trailing line break ignored); overrides Trust store password. Empty: none.")
    String trustStorePasswordFile() default "";

    /** @return clean session */
    @AttributeDefinition(
            name = "Clean session",
            description = "Start each connection with a clean session. Off "
                    + "(the default): the broker keeps the subscriptions and the unacknowledged QoS 1/2 messages of this "
                    + "client id while the gateway is away, and delivers them when it is back (at least once).")
    boolean cleanSession() default false;

    /** @return keep-alive */
    @AttributeDefinition(name = "Keep-alive (s)", description = "MQTT keep-alive interval in seconds.", min = "1")
    int keepAliveSeconds() default 30;

    /** @return connect timeout */
    @AttributeDefinition(
            name = "Connect timeout (s)",
            description = "How long one connect attempt may take.",
            min = "1")
    int connectTimeoutSeconds() default 10;

    /** @return in-flight window */
    @AttributeDefinition(
            name = "Max in-flight",
            description = "QoS 1/2 messages in flight at once (Paho's window).",
            min = "1")
    int maxInflight() default 1000;

    /** @return publish queue capacity */
    @AttributeDefinition(
            name = "Publish queue capacity",
            description = "Most messages the publish store holds "
                    + "while the broker is slow or away; beyond it the store's overflow policy applies (counted).",
            min = "1")
    int publishQueueCapacity() default 100000;

    /** @return publish store kind */
    @AttributeDefinition(
            name = "Publish store",
            description = "disk: results are written to append-only segment "
                    + "files and kept until the broker acknowledged them, across restarts; inputs are acknowledged only once "
                    + "their results are stored. memory: held in memory only (lost on restart).",
            options = {
                @Option(label = "Disk (survives restarts)", value = "disk"),
                @Option(label = "Memory", value = "memory")
            })
    String publishStore() default "disk";

    /** @return store directory */
    @AttributeDefinition(
            name = "Store directory",
            description = "Directory of the disk store; empty: " + "${karaf.data}/edgeai-store/<name>.")
    String storeDirectory() default "";

    /** @return store bound in MB */
    @AttributeDefinition(
            name = "Store size (MB)",
            description = "Most topic and payload bytes the store holds.",
            min = "1")
    int storeMaxMegabytes() default 256;

    /** @return time to live */
    @AttributeDefinition(
            name = "Store time to live (s)",
            description =
                    "Messages older than this are dropped " + "instead of sent (counted as expired); 0: no limit.",
            min = "0")
    int storeTtlSeconds() default 604800;

    /** @return overflow policy */
    @AttributeDefinition(
            name = "Store overflow policy",
            description = "When the store is full: drop the oldest "
                    + "routine message (alarms last), or refuse the new one. Either is counted as dropped.",
            options = {
                @Option(label = "Drop the oldest", value = "drop-oldest"),
                @Option(label = "Drop the newest", value = "drop-newest")
            })
    String storeOverflowPolicy() default "drop-oldest";

    /** @return sync mode */
    @AttributeDefinition(
            name = "Store sync",
            description = "fsync: each group commit is forced to the device "
                    + "before inputs are acknowledged (survives power loss). write: written to the operating system only "
                    + "(survives a crash or kill of the gateway, not of the machine; faster on SD cards).",
            options = {@Option(label = "fsync", value = "fsync"), @Option(label = "write", value = "write")})
    String storeSync() default "fsync";

    /** @return first reconnect delay */
    @AttributeDefinition(
            name = "Reconnect min delay (ms)",
            description = "First back-off after a failed connect; doubles up to the max, with jitter.",
            min = "10")
    int reconnectMinDelayMs() default 500;

    /** @return longest reconnect delay */
    @AttributeDefinition(
            name = "Reconnect max delay (ms)",
            description = "Longest back-off between connect attempts.",
            min = "10")
    int reconnectMaxDelayMs() default 30000;

    /** @return status topic */
    @AttributeDefinition(
            name = "Status topic",
            description =
                    "Retained online/offline status (birth and last will); empty to disable. {clientId} is replaced.")
    String statusTopic() default "edgeai/gateway/{clientId}/status";

    /** @return the gateway group */
    @AttributeDefinition(
            name = "Group",
            description = "Gateway group this gateway belongs to (letters, digits, '-', '_', '.'); "
                    + "empty for none. Members announce it in their retained status message, build the group's member view from the "
                    + "others' status messages (keys of keyed pipelines are spread over live members) and accept group commands "
                    + "on edgeai/group/<group>/cmd/... Needs the status topic.")
    String group() default "";
}
