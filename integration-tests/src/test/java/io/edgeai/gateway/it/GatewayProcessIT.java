package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.Test;

import io.edgeai.gateway.testing.GatewayProcess;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * The packaged gateway as an operating-system process against an external mosquitto: it comes up, says
 * so with its retained birth message, and a SIGKILL of its JVM leaves its last will ("offline") for
 * everyone else; a restart brings it back online. This is the base of the process-level fault tests.
 */
public class GatewayProcessIT {

    @Test
    public void birthKillWillRestart() throws Exception {
        Path dir = Files.createTempDirectory("gateway-process");
        try (Mosquitto broker = Mosquitto.startOnFreePort();
                GatewayProcess gateway =
                        GatewayProcess.unpack(Path.of(System.getProperty("edgeai.distribution")), dir)) {
            gateway.connectTo(broker.uri(), "gw-process-it");
            gateway.replaceInConfig("edgeai.mqtt.connection-local.cfg", "keepAliveSeconds", "5");
            Map<String, String> status = new ConcurrentHashMap<>();
            MqttClient watcher = new MqttClient(broker.uri(), "watcher", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setAutomaticReconnect(false);
            watcher.connect(o);
            watcher.subscribe(
                    "edgeai/gateway/+/status",
                    1,
                    (topic, m) -> status.put(topic, new String(m.getPayload(), StandardCharsets.UTF_8)));
            String topic = "edgeai/gateway/gw-process-it/status";

            gateway.start(Duration.ofSeconds(120));
            Poll.until(
                    "birth message",
                    Duration.ofSeconds(60),
                    () -> status.getOrDefault(topic, "").contains("\"online\"") ? true : null);
            assertTrue("the JVM is a child of the launcher", gateway.jvm().isPresent());
            assertFalse(
                    "the first boot refreshes no startup bundle (etc/org.apache.karaf.features.cfg autoRefresh)",
                    gateway.log().contains("Stopping bundles:"));

            gateway.kill();
            assertTrue("killed", !gateway.isAlive());
            // the broker publishes the will once the dead connection's keep-alive (5 s x 1.5) runs out
            Poll.until(
                    "last will after kill -9",
                    Duration.ofSeconds(60),
                    () -> status.getOrDefault(topic, "").contains("\"offline\"") ? true : null);

            gateway.start(Duration.ofSeconds(120));
            Poll.until(
                    "birth message after restart",
                    Duration.ofSeconds(60),
                    () -> status.getOrDefault(topic, "").contains("\"online\"") ? true : null);
            assertEquals(200, gateway.httpStatus("/health/live"));
            watcher.disconnect();
            watcher.close();
        }
    }
}
