package io.edgeai.gateway.pipeline.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.mqtt.internal.ConnectionSettings;
import io.edgeai.gateway.mqtt.internal.PahoConnection;
import io.edgeai.gateway.onnx.internal.OrtModelRunner;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * MQTT topics are at most 65,535 bytes of UTF-8, and Paho drops a publish to a longer one. Names from
 * payloads (SenML names, Sparkplug metric names) and device ids from long input topics become levels of
 * the result topic: inputs whose result or dead letter could not be published get a dead letter that can.
 */
class LongTopicLevelsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private Mosquitto broker;
    private OrtModelRunner model;
    private PahoConnection gateway;
    private PahoConnection observer;
    private final Map<String, JsonNode> deadLetters = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        broker = Mosquitto.startOnFreePort();
        model = OrtModelRunner.load(PipelineWorkerTest.MODEL);
        gateway = new PahoConnection(ConnectionSettings.of("gw", broker.uri(), "edgeai-long-gw"));
        observer = new PahoConnection(ConnectionSettings.of("obs", broker.uri(), "edgeai-long-obs"));
        observer.subscribe("edgeai/deadletter/#", 1, m -> deadLetters.put(m.topic(), parse(m.payload())));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> gateway.status().state() == ConnectionState.CONNECTED
                        && observer.status().state() == ConnectionState.CONNECTED);
    }

    @AfterEach
    void stop() {
        observer.close();
        gateway.close();
        model.close();
        broker.close();
    }

    private static JsonNode parse(byte[] b) {
        try {
            return MAPPER.readTree(b);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Offers the input, probing with a rejected one until the observer's subscription is in place. */
    private JsonNode deadLetterFor(PipelineWorker worker, String topic, byte[] payload) {
        String probe = topic.substring(0, topic.indexOf('/')) + "/probe";
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    worker.offer(new InboundMessage("gw", probe, new byte[70_000], 1, System.nanoTime()));
                    return deadLetters.containsKey("edgeai/deadletter/" + probe);
                });
        worker.offer(new InboundMessage("gw", topic, payload, 1, System.nanoTime()));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> deadLetters.values().stream()
                        .anyMatch(d -> d.path("topic").asText().equals(topic)));
        assertEquals(0, gateway.status().publishDropped(), "Paho refused a publish");
        return deadLetters.values().stream()
                .filter(d -> d.path("topic").asText().equals(topic))
                .findFirst()
                .orElseThrow();
    }

    private PipelineWorker worker(String format) {
        PipelineSettings s = TestSettings.withPayloadFormat(TestSettings.defaults("long-" + format), format, 100);
        PipelineWorker w = new PipelineWorker(s, gateway, () -> model);
        w.start();
        return w;
    }

    @Test
    void aSparkplugMetricNameTooLongForATopicIsRejected() {
        PipelineWorker w = worker("sparkplug-b");
        try {
            String name = "温".repeat(20_000); // 60,000 bytes of UTF-8
            byte[] p = Payload.newBuilder()
                    .addMetrics(
                            Metric.newBuilder().setName(name).setDatatype(10).setDoubleValue(1))
                    .build()
                    .toByteArray();
            assertEquals(
                    "bad-name",
                    deadLetterFor(w, "spBv1.0/g/NBIRTH/n", p).path("code").asText());
        } finally {
            w.stop();
        }
    }

    @Test
    void aSenmlNameTooLongForATopicIsRejected() {
        PipelineWorker w = worker("senml");
        try {
            byte[] p = ("[{\"n\":\"" + "n".repeat(65_000) + "\",\"v\":1}]").getBytes(StandardCharsets.UTF_8);
            assertEquals(
                    "bad-name",
                    deadLetterFor(w, "senml/" + "d".repeat(1000), p)
                            .path("code")
                            .asText());
        } finally {
            w.stop();
        }
    }

    @Test
    void aDeviceIdTooLongForAResultTopicIsRejectedAndItsDeadLetterStillGoesOut() {
        PipelineWorker w = worker("json");
        try {
            String topic = "sensors/" + "d".repeat(65_520) + "/t";
            JsonNode d = deadLetterFor(w, topic, "1.0".getBytes(StandardCharsets.UTF_8));
            assertEquals("bad-topic", d.path("code").asText());
        } finally {
            w.stop();
        }
    }
}
