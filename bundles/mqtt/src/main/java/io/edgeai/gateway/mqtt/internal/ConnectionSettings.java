package io.edgeai.gateway.mqtt.internal;

/**
 * Validated connection settings, independent of OSGi so tests can build them directly.
 *
 * @param name connection name
 * @param serverUri broker URI
 * @param clientId MQTT client id
 * @param username user name, empty for none
 * @param password password, empty for none; never logged
 * @param cleanSession clean session flag
 * @param keepAliveSeconds keep-alive interval
 * @param connectTimeoutSeconds one connect attempt's limit
 * @param maxInflight Paho's in-flight window
 * @param publishQueueCapacity bound of the publish queue
 * @param reconnectMinDelayMs first back-off
 * @param reconnectMaxDelayMs longest back-off
 * @param statusTopic retained status topic, empty for none
 */
public record ConnectionSettings(String name, String serverUri, String clientId, String username, String password,
        boolean cleanSession, int keepAliveSeconds, int connectTimeoutSeconds, int maxInflight,
        int publishQueueCapacity, int reconnectMinDelayMs, int reconnectMaxDelayMs, String statusTopic) {

    /**
     * @param c the configuration
     * @return settings with defaults filled in
     */
    static ConnectionSettings from(ConnectionConfig c) {
        String clientId = c.clientId().isBlank() ? "edgeai-" + hostName() + "-" + c.name() : c.clientId();
        return new ConnectionSettings(c.name(), c.serverUri(), clientId, c.username(), c.password(),
                c.cleanSession(), c.keepAliveSeconds(), c.connectTimeoutSeconds(), c.maxInflight(),
                c.publishQueueCapacity(), c.reconnectMinDelayMs(), Math.max(c.reconnectMinDelayMs(),
                        c.reconnectMaxDelayMs()), c.statusTopic().replace("{clientId}", clientId));
    }

    /**
     * Settings for tests and tools: defaults with the given broker.
     *
     * @param name connection name
     * @param serverUri broker URI
     * @param clientId client id
     * @return settings
     */
    public static ConnectionSettings of(String name, String serverUri, String clientId) {
        return new ConnectionSettings(name, serverUri, clientId, "", "", true, 30, 10, 1000, 10000, 200, 5000, "");
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_-]", "");
        } catch (java.io.IOException e) {
            return "gateway";
        }
    }

    /** Never print the password. */
    @Override
    public String toString() {
        return "ConnectionSettings[name=" + name + ", serverUri=" + serverUri + ", clientId=" + clientId
                + ", username=" + username + ", password=" + (password.isEmpty() ? "" : "****") + "]";
    }
}
