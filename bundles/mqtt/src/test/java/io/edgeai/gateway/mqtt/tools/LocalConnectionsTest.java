package io.edgeai.gateway.mqtt.tools;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.testing.Mosquitto;

/** What the tools of other bundles rely on: connections that work, and close with the holder. */
class LocalConnectionsTest {
    private Mosquitto broker;

    @BeforeEach
    void startBroker() throws Exception {
        broker = Mosquitto.startOnFreePort();
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    @Test
    void twoConnectionsTalkThroughTheBrokerAndCloseWithTheHolder() throws Exception {
        BlockingQueue<InboundMessage> got = new LinkedBlockingQueue<>();
        MqttConnection gw;
        try (LocalConnections connections = new LocalConnections()) {
            gw = connections.open("gw", broker.uri(), "edgeai-test-local-gw");
            MqttConnection dev = connections.open("dev", broker.uri(), "edgeai-test-local-dev");
            gw.subscribe("sensors/#", 0, got::add);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> gw.status().state() == ConnectionState.CONNECTED
                            && dev.status().state() == ConnectionState.CONNECTED);
            dev.publish("sensors/dev1/temp", "21.5".getBytes(StandardCharsets.UTF_8), 0, false);
            InboundMessage m = got.poll(10, TimeUnit.SECONDS);
            assertNotNull(m, "no message came through");
            assertEquals("gw", m.connection());
        }
        assertEquals(ConnectionState.STOPPED, gw.status().state());
    }

    @Test
    void aBrokerUriPahoRefusesIsAnIllegalArgument() {
        try (LocalConnections connections = new LocalConnections()) {
            assertThrows(IllegalArgumentException.class, () -> connections.open("x", "nonsense://", "edgeai-test-x"));
        }
    }
}
