package io.edgeai.gateway.mqtt.tools;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.paho.client.mqttv3.MqttException;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.mqtt.internal.ConnectionSettings;
import io.edgeai.gateway.mqtt.internal.PahoConnection;

/**
 * Opens the gateway's managed MQTT connections outside the framework for the command-line tools of other
 * bundles, and hands them out as the API type {@link MqttConnection}, so that no caller needs this bundle's
 * internal classes. Each connection has the defaults of {@code ConnectionSettings.of} (clean session, no
 * credentials, no store) and connects in the background like in the gateway; the connections stay open until
 * {@link #close()}. Part of this bundle's test jar, never of the bundle.
 */
public final class LocalConnections implements AutoCloseable {
    private final Deque<PahoConnection> open = new ArrayDeque<>();

    /**
     * @param name the connection's name, as in its configuration
     * @param serverUri the broker, e.g. {@code tcp://127.0.0.1:1883}
     * @param clientId the MQTT client id
     * @return the connection, connecting in the background
     * @throws IllegalArgumentException when Paho refuses the URI or client id
     */
    public MqttConnection open(String name, String serverUri, String clientId) {
        try {
            PahoConnection c = new PahoConnection(ConnectionSettings.of(name, serverUri, clientId));
            open.push(c);
            return c;
        } catch (MqttException e) {
            throw new IllegalArgumentException("cannot open " + name + " to " + serverUri + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until every connection opened here is connected.
     *
     * @param timeout how long at most
     * @throws IllegalStateException naming the connections still not connected after the timeout
     */
    public void awaitConnected(Duration timeout) {
        try {
            await().atMost(timeout)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> open.stream().allMatch(c -> c.status().state() == ConnectionState.CONNECTED));
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("not connected within " + timeout + ": "
                    + open.stream()
                            .filter(c -> c.status().state() != ConnectionState.CONNECTED)
                            .map(c -> c.name() + " to " + c.status().serverUri())
                            .toList());
        }
    }

    /** Closes every connection opened here, the last opened first. */
    @Override
    public void close() {
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }
}
