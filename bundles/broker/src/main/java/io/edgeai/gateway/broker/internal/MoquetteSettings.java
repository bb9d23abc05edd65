package io.edgeai.gateway.broker.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Turns a {@link BrokerConfig} into Moquette's properties and enforces the one security rule:
 * anonymous clients only on loopback, so a broker reachable from the network needs a password file.
 */
final class MoquetteSettings {

    private MoquetteSettings() {
    }

    /**
     * @param config the component's configuration
     * @param dataRoot directory a relative {@link BrokerConfig#dataDir()} is resolved against
     * @return Moquette properties, telemetry off
     * @throws RefusedException when the configuration would expose an unauthenticated broker, or names a
     *         password file that cannot be read
     */
    static Properties from(BrokerConfig config, Path dataRoot) throws RefusedException {
        boolean loopback = isLoopback(config.host());
        String passwordFile = config.passwordFile().trim();
        if (!passwordFile.isEmpty() && !Files.isReadable(Path.of(passwordFile))) {
            throw new RefusedException("password file " + passwordFile + " is not readable");
        }
        if (!loopback && passwordFile.isEmpty()) {
            throw new RefusedException("host " + config.host() + " is not a loopback address and no password file "
                    + "is configured: anonymous clients are only accepted on loopback (set passwordFile, or bind "
                    + "127.0.0.1)");
        }
        Properties props = new Properties();
        props.setProperty("host", config.host());
        props.setProperty("port", Integer.toString(config.port()));
        props.setProperty("allow_anonymous", Boolean.toString(loopback && config.allowAnonymous()));
        props.setProperty("password_file", passwordFile);
        props.setProperty("persistence_enabled", Boolean.toString(config.persistenceEnabled()));
        props.setProperty("data_path", dataRoot.resolve(config.dataDir()).toString());
        props.setProperty("netty.mqtt.message_size", Integer.toString(config.maxMessageSize()));
        // MQTT 3.1.1 lets a client send a zero-byte id with a clean session and the server assign one; that is
        // what mosquitto_pub/mosquitto_sub send with their default flags
        props.setProperty("allow_zero_byte_client_id", "true");
        // Moquette phones home by default; an edge gateway must not
        props.setProperty("telemetry_enabled", "false");
        return props;
    }

    private static boolean isLoopback(String host) throws RefusedException {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            throw new RefusedException("host " + host + " cannot be resolved: " + e.getMessage());
        }
    }

    /** The configuration must not start a broker; the message says why. */
    static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }
}
