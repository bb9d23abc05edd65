package io.edgeai.gateway.pipeline.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.mqtt.internal.ConnectionSettings;
import io.edgeai.gateway.mqtt.internal.PahoConnection;
import io.edgeai.gateway.onnx.internal.OrtModelRunner;
import io.edgeai.gateway.testing.Mosquitto;
import io.edgeai.gateway.testing.RawMqttDevice;

/**
 * A device publishes on a topic the MQTT client refuses (an emoji in the device id); the connection delivers
 * it with U+241A in place of the emoji, and the pipeline dead-letters it as {@code bad-topic}.
 */
class ReplacedTopicTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void anInputWhoseTopicWasRewrittenIsDeadLetteredAsBadTopic() throws Exception {
        Map<String, JsonNode> deadLetters = new ConcurrentHashMap<>();
        try (Mosquitto broker = Mosquitto.startOnFreePort();
                OrtModelRunner model = OrtModelRunner.load(PipelineWorkerTest.MODEL);
                PahoConnection gateway = new PahoConnection(ConnectionSettings.of("gw", broker.uri(), "edgeai-rt-gw"));
                PahoConnection observer =
                        new PahoConnection(ConnectionSettings.of("obs", broker.uri(), "edgeai-rt-obs"));
                RawMqttDevice device = new RawMqttDevice(broker.port(), "edgeai-rt-device")) {
            observer.subscribe("edgeai/deadletter/#", 1, m -> {
                try {
                    JsonNode d = MAPPER.readTree(m.payload());
                    deadLetters.put(d.path("topic").asText(), d);
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            });
            PipelineWorker worker = new PipelineWorker(TestSettings.defaults("replaced"), gateway, () -> model);
            worker.start();
            try {
                gateway.subscribe("sensors/#", 1, worker::offer);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> gateway.status().state() == ConnectionState.CONNECTED
                                && observer.status().state() == ConnectionState.CONNECTED);
                // both subscribe asynchronously: probe with a rejected input until its dead letter arrives
                await().atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            device.publish("sensors/probe".getBytes(StandardCharsets.UTF_8), new byte[] {'1'}, 1, 1);
                            return deadLetters.containsKey("sensors/probe");
                        });
                device.publish(
                        "sensors/dev\ud83d\ude00/temp".getBytes(StandardCharsets.UTF_8),
                        "1.0".getBytes(StandardCharsets.UTF_8),
                        1,
                        2);
                String topic = "sensors/dev\u241a/temp";
                await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.containsKey(topic));
                JsonNode d = deadLetters.get(topic);
                assertEquals("bad-topic", d.path("code").asText());
                assertTrue(d.path("reason").asText().contains("U+241A"), d.toString());
                assertEquals(0, gateway.status().reconnects());
                assertEquals(0, gateway.status().publishDropped(), "Paho refused a publish");
            } finally {
                worker.stop();
            }
        }
    }
}
