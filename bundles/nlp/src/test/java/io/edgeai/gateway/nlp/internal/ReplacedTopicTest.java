package io.edgeai.gateway.nlp.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.mqtt.internal.ConnectionSettings;
import io.edgeai.gateway.mqtt.internal.PahoConnection;
import io.edgeai.gateway.nlp.internal.intent.FewShotIntents;
import io.edgeai.gateway.testing.Mosquitto;
import io.edgeai.gateway.testing.RawMqttDevice;

/**
 * A device publishes text on a topic the MQTT client refuses (an emoji in a level); the connection delivers it
 * with U+241A in place of the emoji, and the text pipeline dead-letters it as {@code bad-topic}.
 */
class ReplacedTopicTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void anInputWhoseTopicWasRewrittenIsDeadLetteredAsBadTopic() throws Exception {
        Map<String, JsonNode> deadLetters = new ConcurrentHashMap<>();
        try (Mosquitto broker = Mosquitto.startOnFreePort();
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
            TextWorker worker = new TextWorker(
                    new TextSettings(
                            "replaced",
                            "home/#",
                            1,
                            "edgeai/nlp",
                            1,
                            "edgeai/deadletter",
                            "text",
                            4096,
                            500,
                            "all-minilm-l6-v2-q",
                            Set.of("intent"),
                            FewShotIntents.parse(new String[] {"on=turn on the lights"}),
                            "",
                            "",
                            -1,
                            0.5,
                            0.05,
                            100),
                    gateway,
                    TestModels.ALL);
            worker.start();
            try {
                gateway.subscribe("home/#", 1, worker::offer);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> gateway.status().state() == ConnectionState.CONNECTED
                                && observer.status().state() == ConnectionState.CONNECTED);
                // both subscribe asynchronously: probe with an empty text until its dead letter arrives
                await().atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            device.publish("home/probe".getBytes(StandardCharsets.UTF_8), new byte[0], 1, 1);
                            return deadLetters.containsKey("home/probe");
                        });
                device.publish(
                        "home/kitchen\ud83d\udca1/voice".getBytes(StandardCharsets.UTF_8),
                        "lights on".getBytes(StandardCharsets.UTF_8),
                        1,
                        2);
                String topic = "home/kitchen\u241a/voice";
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
