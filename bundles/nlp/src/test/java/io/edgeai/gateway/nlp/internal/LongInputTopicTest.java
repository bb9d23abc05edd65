package io.edgeai.gateway.nlp.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.mqtt.internal.ConnectionSettings;
import io.edgeai.gateway.mqtt.internal.PahoConnection;
import io.edgeai.gateway.nlp.internal.intent.FewShotIntents;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * An input topic near MQTT's 65,535 bytes makes the result topic (prefix + input topic) too long, and Paho
 * drops a publish to it: such an input gets a dead letter, on a topic cut to fit.
 */
class LongInputTopicTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void anInputTopicTooLongForItsResultTopicGetsADeadLetter() throws Exception {
        Map<String, JsonNode> deadLetters = new ConcurrentHashMap<>();
        try (Mosquitto broker = Mosquitto.startOnFreePort();
                PahoConnection gateway = new PahoConnection(ConnectionSettings.of("gw", broker.uri(), "edgeai-lt-gw"));
                PahoConnection observer =
                        new PahoConnection(ConnectionSettings.of("obs", broker.uri(), "edgeai-lt-obs"))) {
            observer.subscribe("edgeai/deadletter/#", 1, m -> {
                try {
                    JsonNode d = MAPPER.readTree(m.payload());
                    deadLetters.put(d.path("topic").asText(), d);
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            });
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> gateway.status().state() == ConnectionState.CONNECTED
                            && observer.status().state() == ConnectionState.CONNECTED);
            TextWorker worker = new TextWorker(
                    new TextSettings(
                            "long",
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
                // the observer subscribes asynchronously: probe with an empty text until its dead letter arrives
                await().atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            worker.offer(new InboundMessage("gw", "home/probe", new byte[0], 1, System.nanoTime()));
                            return deadLetters.containsKey("home/probe");
                        });
                String topic = "home/" + "r".repeat(65_520) + "/voice";
                worker.offer(new InboundMessage(
                        "gw", topic, "lights on".getBytes(StandardCharsets.UTF_8), 1, System.nanoTime()));
                await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.containsKey(topic));
                assertEquals("bad-topic", deadLetters.get(topic).path("code").asText());
                assertEquals(0, gateway.status().publishDropped(), "Paho refused a publish");
                assertEquals(
                        List.of(),
                        List.copyOf(deadLetters.keySet()).stream()
                                .filter(t -> !t.equals(topic) && !t.equals("home/probe"))
                                .toList());
            } finally {
                worker.stop();
            }
        }
    }
}
