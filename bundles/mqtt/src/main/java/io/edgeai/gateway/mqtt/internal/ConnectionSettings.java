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
 * @param passwordFile file holding the password (overrides {@code password}), empty for none
 * @param tls key and trust stores for {@code ssl://} URIs
 */
public record ConnectionSettings(
        String name,
        String serverUri,
        String clientId,
        String username,
        String password,
        boolean cleanSession,
        int keepAliveSeconds,
        int connectTimeoutSeconds,
        int maxInflight,
        int publishQueueCapacity,
        int reconnectMinDelayMs,
        int reconnectMaxDelayMs,
        String statusTopic,
        String passwordFile,
        TlsSettings tls) {

    /** Rejects TLS material on a plain-TCP URI: the operator meant TLS, and would silently not get it. */
    public ConnectionSettings {
        passwordFile = passwordFile == null ? "" : passwordFile.trim();
        tls = tls == null ? TlsSettings.NONE : tls;
        if (tls.configured() && !usesTls(serverUri)) {
            throw new IllegalArgumentException("keyStore/trustStore are set but serverUri " + serverUri
                    + " is not ssl://: use ssl://host:port for TLS");
        }
    }

    /**
     * Settings without password file and TLS material.
     *
     * @param name connection name
     * @param serverUri broker URI
     * @param clientId MQTT client id
     * @param username user name, empty for none
     * @param password password, empty for none
     * @param cleanSession clean session flag
     * @param keepAliveSeconds keep-alive interval
     * @param connectTimeoutSeconds one connect attempt's limit
     * @param maxInflight Paho's in-flight window
     * @param publishQueueCapacity bound of the publish queue
     * @param reconnectMinDelayMs first back-off
     * @param reconnectMaxDelayMs longest back-off
     * @param statusTopic retained status topic, empty for none
     */
    public ConnectionSettings(
            String name,
            String serverUri,
            String clientId,
            String username,
            String password,
            boolean cleanSession,
            int keepAliveSeconds,
            int connectTimeoutSeconds,
            int maxInflight,
            int publishQueueCapacity,
            int reconnectMinDelayMs,
            int reconnectMaxDelayMs,
            String statusTopic) {
        this(
                name,
                serverUri,
                clientId,
                username,
                password,
                cleanSession,
                keepAliveSeconds,
                connectTimeoutSeconds,
                maxInflight,
                publishQueueCapacity,
                reconnectMinDelayMs,
                reconnectMaxDelayMs,
                statusTopic,
                "",
                TlsSettings.NONE);
    }

    /**
     * @param c the configuration
     * @return settings with defaults filled in
     */
    static ConnectionSettings from(ConnectionConfig c) {
        String clientId = c.clientId().isBlank() ? "edgeai-" + hostName() + "-" + c.name() : c.clientId();
        return new ConnectionSettings(
                c.name(),
                c.serverUri(),
                clientId,
                c.username(),
                c.password(),
                c.cleanSession(),
                c.keepAliveSeconds(),
                c.connectTimeoutSeconds(),
                c.maxInflight(),
                c.publishQueueCapacity(),
                c.reconnectMinDelayMs(),
                Math.max(c.reconnectMinDelayMs(), c.reconnectMaxDelayMs()),
                c.statusTopic().replace("{clientId}", clientId),
                c.passwordFile(),
                new TlsSettings(
                        c.keyStore(),
                        c.keyStoreType(),
                        c.keyStorePassword(),
                        c.trustStore(),
                        c.trustStoreType(),
                        c.trustStorePassword(),
                        c.keyStorePasswordFile(),
                        c.trustStorePasswordFile()));
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

    /**
     * @param user user name
     * @param pass password
     * @return these settings with the given credentials
     */
    public ConnectionSettings withCredentials(String user, String pass) {
        return new ConnectionSettings(
                name,
                serverUri,
                clientId,
                user,
                pass,
                cleanSession,
                keepAliveSeconds,
                connectTimeoutSeconds,
                maxInflight,
                publishQueueCapacity,
                reconnectMinDelayMs,
                reconnectMaxDelayMs,
                statusTopic,
                passwordFile,
                tls);
    }

    /**
     * @param file file holding the password
     * @return these settings reading the password from the file
     */
    public ConnectionSettings withPasswordFile(String file) {
        return new ConnectionSettings(
                name,
                serverUri,
                clientId,
                username,
                password,
                cleanSession,
                keepAliveSeconds,
                connectTimeoutSeconds,
                maxInflight,
                publishQueueCapacity,
                reconnectMinDelayMs,
                reconnectMaxDelayMs,
                statusTopic,
                file,
                tls);
    }

    /**
     * @param material key and trust stores
     * @return these settings with the given TLS material
     */
    public ConnectionSettings withTls(TlsSettings material) {
        return new ConnectionSettings(
                name,
                serverUri,
                clientId,
                username,
                password,
                cleanSession,
                keepAliveSeconds,
                connectTimeoutSeconds,
                maxInflight,
                publishQueueCapacity,
                reconnectMinDelayMs,
                reconnectMaxDelayMs,
                statusTopic,
                passwordFile,
                material);
    }

    /**
     * @param lane a lane's name
     * @return the settings of a lane of this connection: named {@code <name>.<lane>}, client id
     *         {@code <clientId>-<lane>}, no status topic (a lane is not a member of anything), the rest the same
     */
    public ConnectionSettings forLane(String lane) {
        return new ConnectionSettings(
                name + "." + lane,
                serverUri,
                clientId + "-" + lane,
                username,
                password,
                cleanSession,
                keepAliveSeconds,
                connectTimeoutSeconds,
                maxInflight,
                publishQueueCapacity,
                reconnectMinDelayMs,
                reconnectMaxDelayMs,
                "",
                passwordFile,
                tls);
    }

    /** @return whether the URI asks for TLS */
    public boolean usesTls() {
        return usesTls(serverUri);
    }

    private static boolean usesTls(String uri) {
        return uri != null && (uri.startsWith("ssl://") || uri.startsWith("wss://"));
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_-]", "");
        } catch (java.io.IOException e) {
            return "gateway";
        }
    }

    /** Never print a password. */
    @Override
    public String toString() {
        return "ConnectionSettings[name=" + name + ", serverUri=" + serverUri + ", clientId=" + clientId
                + ", username=" + username + ", password=" + Secrets.mask(password) + ", passwordFile=" + passwordFile
                + ", tls=" + tls + "]";
    }
}
