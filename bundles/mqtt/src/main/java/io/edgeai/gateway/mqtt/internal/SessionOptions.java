package io.edgeai.gateway.mqtt.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What one connect attempt of a {@link PahoConnection} sends and says: options, status payloads, log lines. */
final class SessionOptions {
    private static final Logger LOG = LoggerFactory.getLogger(PahoConnection.class);

    private SessionOptions() {}

    /**
     * Options for one connect attempt. Secret files and key stores are read here, at each attempt, so a
     * rotated password or certificate is picked up on the next reconnect.
     */
    static MqttConnectOptions options(ConnectionSettings settings, String group, Consumer<Socket> sockets)
            throws IOException {
        MqttConnectOptions o = new MqttConnectOptions();
        if (settings.usesTls()) {
            o.setSocketFactory(SslSocketFactories.create(settings.tls()));
            // the broker's certificate must name the host of serverUri (CVE-2019-11777 was this check missing)
            o.setHttpsHostnameVerificationEnabled(true);
        }
        o.setSocketFactory(TopicGuard.wrap(o.getSocketFactory(), settings.serverUri(), settings.name(), sockets));
        o.setCleanSession(settings.cleanSession());
        o.setKeepAliveInterval(settings.keepAliveSeconds());
        o.setConnectionTimeout(settings.connectTimeoutSeconds());
        o.setMaxInflight(settings.maxInflight());
        o.setAutomaticReconnect(false);
        if (!settings.username().isEmpty()) {
            o.setUserName(settings.username());
        }
        String password = Secrets.resolve("password", settings.password(), settings.passwordFile());
        if (!password.isEmpty()) {
            o.setPassword(password.toCharArray());
        }
        if (!settings.statusTopic().isEmpty()) {
            o.setWill(settings.statusTopic(), statusPayload(settings, group, "offline"), 1, true);
        }
        return o;
    }

    /**
     * Publishes the retained status (birth message, or the offline one before a clean disconnect), when the
     * connection has a status topic.
     *
     * @param client the connected client
     * @param settings the connection's settings
     * @param group the gateway group, empty for none
     * @param status {@code online} or {@code offline}
     * @param waitMillis how long to wait for the broker's PUBACK, 0 for not at all
     * @throws MqttException when the client cannot send it
     */
    static void publishStatus(
            MqttAsyncClient client, ConnectionSettings settings, String group, String status, long waitMillis)
            throws MqttException {
        if (settings.statusTopic().isEmpty()) {
            return;
        }
        var token = client.publish(settings.statusTopic(), statusPayload(settings, group, status), 1, true);
        if (waitMillis > 0) {
            token.waitForCompletion(waitMillis);
        }
    }

    /**
     * @param settings the connection's settings
     * @param group the gateway group, empty for none
     * @param status {@code online} or {@code offline}
     * @return the retained status payload (birth message and last will)
     */
    static byte[] statusPayload(ConnectionSettings settings, String group, String status) {
        return ("{\"clientId\":\"" + settings.clientId() + "\",\"status\":\"" + status + "\""
                        + (group.isEmpty() ? "" : ",\"group\":\"" + group + "\"") + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Warns when credentials would cross the network unencrypted (not for a loopback broker). */
    static void warnIfCredentialsInClear(ConnectionSettings s) {
        boolean credentials = !s.username().isEmpty()
                || !s.password().isEmpty()
                || !s.passwordFile().isEmpty();
        if (!credentials || s.usesTls()) {
            return;
        }
        try {
            String host = URI.create(s.serverUri()).getHost();
            if (host != null && !InetAddress.getByName(host).isLoopbackAddress()) {
                LOG.warn(
                        "MQTT connection {} sends its credentials unencrypted to {}: use ssl://",
                        s.name(),
                        s.serverUri());
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("Cannot tell whether {} is local: {}", s.serverUri(), e.getMessage());
        }
    }

    /** @return an exception as one line for the log and the status: message, Paho reason code, cause */
    static String describe(Exception e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        if (e instanceof MqttException me) {
            sb.append(" (reason ").append(me.getReasonCode()).append(')');
        }
        if (e.getCause() != null && e.getCause() != e) {
            sb.append(": ").append(e.getCause().getMessage());
        }
        return sb.toString();
    }
}
