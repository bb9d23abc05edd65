package io.edgeai.gateway.broker.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import io.edgeai.gateway.api.ConfigValues;

/**
 * A {@link BrokerConfig} checked once: the one security rule (anonymous clients only on loopback, so a broker
 * reachable from the network needs a password file).
 *
 * @param host address to listen on
 * @param port TCP port
 * @param anonymousAllowed whether clients without credentials are accepted
 * @param passwords the password file's users, empty when none is configured
 * @param dataDir where the broker keeps its working files
 * @param maxPacketBytes largest MQTT packet accepted
 * @param maxQueuedMessages per client, QoS 1/2 messages waiting beyond its in-flight window or while offline
 * @param persistent whether sessions, subscriptions, retained and queued messages are kept on disk
 * @param flowControlBytes queued bytes above which publishers are held back ({@link FlowControl}), 0 for never
 * @param refusedSubscriptions topic filters nobody may subscribe to
 */
record BrokerSettings(
        String host,
        int port,
        boolean anonymousAllowed,
        PasswordFile passwords,
        Path dataDir,
        int maxPacketBytes,
        long maxQueuedMessages,
        boolean persistent,
        long flowControlBytes,
        RefusedSubscriptions refusedSubscriptions) {

    /**
     * @param config the component's configuration
     * @param dataRoot directory a relative {@link BrokerConfig#dataDir()} is resolved against
     * @throws RefusedException when the configuration would expose an unauthenticated broker, or names a password
     *         file that cannot be read
     */
    static BrokerSettings from(BrokerConfig config, Path dataRoot) throws RefusedException {
        try {
            ConfigValues.readAll(BrokerConfig.class, config);
        } catch (IllegalArgumentException e) {
            // a word where a number belongs: named, instead of the runtime's stack trace on first use
            throw new RefusedException(e.getMessage());
        }
        boolean loopback = isLoopback(config.host());
        String passwordFile = config.passwordFile().trim();
        if (!loopback && passwordFile.isEmpty()) {
            throw new RefusedException("host " + config.host() + " is not a loopback address and no password file "
                    + "is configured: anonymous clients are only accepted on loopback (set passwordFile, or bind "
                    + "127.0.0.1)");
        }
        if (config.maxQueuedMessages() < 1) {
            throw new RefusedException("maxQueuedMessages = " + config.maxQueuedMessages() + ": must be at least 1");
        }
        if (config.flowControlQueuedBytes() < 0) {
            throw new RefusedException(
                    "flowControlQueuedBytes = " + config.flowControlQueuedBytes() + ": must be 0 (off) or more");
        }
        RefusedSubscriptions refused;
        try {
            refused = RefusedSubscriptions.of(config.refusedSubscriptions());
        } catch (IllegalArgumentException e) {
            throw new RefusedException("refusedSubscriptions: " + e.getMessage());
        }
        PasswordFile passwords = PasswordFile.NONE;
        if (!passwordFile.isEmpty()) {
            Path file = Path.of(passwordFile);
            if (!Files.isReadable(file)) {
                throw new RefusedException("password file " + passwordFile + " is not readable");
            }
            try {
                passwords = PasswordFile.read(file);
            } catch (IOException e) {
                throw new RefusedException("password file " + passwordFile + " cannot be read: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new RefusedException("password file " + passwordFile + ": " + e.getMessage());
            }
        }
        return new BrokerSettings(
                config.host(),
                config.port(),
                loopback && config.allowAnonymous(),
                passwords,
                dataRoot.resolve(config.dataDir()),
                config.maxMessageSize(),
                config.maxQueuedMessages(),
                config.persistenceEnabled(),
                config.flowControlQueuedBytes(),
                refused);
    }

    /** @return the configured host for a status, readable or not (a bad value is reported by {@link #from}) */
    static String host(BrokerConfig c) {
        try {
            return c.host();
        } catch (RuntimeException unreadable) {
            return "?";
        }
    }

    /** @return the configured port for a status, 0 when it is not readable */
    static int port(BrokerConfig c) {
        try {
            return c.port();
        } catch (RuntimeException unreadable) {
            return 0;
        }
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
