package io.edgeai.gateway.pipeline.internal.fuzz;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.ConnectionStatus;
import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.mqtt.internal.ConnectionSettings;
import io.edgeai.gateway.mqtt.internal.PahoConnection;
import io.edgeai.gateway.onnx.internal.OrtModelRunner;
import io.edgeai.gateway.pipeline.internal.PipelineSettings;
import io.edgeai.gateway.pipeline.internal.PipelineWorker;
import io.edgeai.gateway.pipeline.internal.TestSettings;
import io.edgeai.gateway.testing.FuzzStats;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * The anomaly pipeline's entry, the whole path: one worker per payload format on a real Paho connection
 * to a real mosquitto, the committed nab-ae model in ONNX Runtime. Each input is offered as the MQTT
 * callback offers it; an oversize sentinel after it marks the end of its outcomes on the broker (the
 * worker handles messages in order and publishes results and dead letters in order at QoS 1). Per input:
 * results (scores in 0..1) or exactly one dead letter with a code and a reason, never {@code
 * internal-error}; only a Sparkplug message may carry nothing to score; the worker keeps answering and
 * the gateway's connection is neither lost nor drops a message.
 * Input layout: the last byte picks format and topic, the rest is the payload.
 */
class AnomalyPipelineFuzzTest {
    private static final Path MODEL = Path.of("../models/anomaly-ae/src/main/resources/model/model.json");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_PAYLOAD = 4096;
    private static final byte[] SENTINEL = new byte[MAX_PAYLOAD + 1];
    /** Topics per format: a few recurring series (so windows fill and the model runs) and malformed ones. */
    private static final Map<String, List<String>> TOPICS = new LinkedHashMap<>();

    static {
        TOPICS.put("json", List.of("sensors/pump-1/temperature", "sensors/pump-2/pressure", "x/y", "sensors//t"));
        TOPICS.put("senml", List.of("senml/dev-1", "senml/dev-2", "senml/", "dev"));
        TOPICS.put(
                "sparkplug-b",
                List.of(
                        "spBv1.0/plant/NBIRTH/edge-1",
                        "spBv1.0/plant/NDATA/edge-1",
                        "spBv1.0/plant/DDATA/edge-1/pump",
                        "spBv1.0/plant/DDATA/edge-1/",
                        "spBv1.0/plant/NDEATH/edge-1",
                        "spBv1.0/plant/NDATA"));
        TOPICS.put("float32-le", List.of("raw/mcu-1/vibration", "raw/mcu-2/current", "raw/x"));
    }

    private static final List<String[]> CHOICES = new ArrayList<>();

    static {
        TOPICS.forEach((format, topics) -> topics.forEach(t -> CHOICES.add(new String[] {format, t})));
    }

    private static final FuzzStats STATS = new FuzzStats("anomaly-pipeline");
    private static final BlockingQueue<JsonNodeOn> OUT = new LinkedBlockingQueue<>();
    private static final Map<String, PipelineWorker> WORKERS = new LinkedHashMap<>();
    private static Mosquitto broker;
    private static OrtModelRunner model;
    private static PahoConnection gateway;
    private static PahoConnection observer;
    private static long sentinels;

    private record JsonNodeOn(String topic, JsonNode body) {}

    @BeforeAll
    static void start() throws Exception {
        // without TCP_NODELAY, Nagle and delayed ACKs hold each small QoS 1 exchange for ~40 ms
        broker = Mosquitto.startOnFreePort(List.of("set_tcp_nodelay true"));
        model = OrtModelRunner.load(MODEL);
        gateway = new PahoConnection(ConnectionSettings.of("gw", broker.uri(), "edgeai-fuzz-gw"));
        observer = new PahoConnection(ConnectionSettings.of("obs", broker.uri(), "edgeai-fuzz-observer"));
        observer.subscribe("fuzz/#", 1, m -> OUT.add(new JsonNodeOn(m.topic(), parse(m.payload()))));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> gateway.status().state() == ConnectionState.CONNECTED
                        && observer.status().state() == ConnectionState.CONNECTED);
        for (String format : TOPICS.keySet()) {
            PipelineSettings s = TestSettings.withPayloadFormat(
                    TestSettings.of(
                            "fuzz-" + format,
                            "fuzz-in/" + format + "/#",
                            1,
                            "fuzz/out/" + format,
                            1,
                            "",
                            "fuzz/dl/" + format,
                            "value",
                            "ts",
                            MAX_PAYLOAD,
                            100,
                            false,
                            10_000,
                            -1,
                            -1,
                            1,
                            12),
                    format,
                    100);
            PipelineWorker w = new PipelineWorker(s, gateway, () -> model);
            w.start();
            WORKERS.put(format, w);
        }
        // the observer subscribes asynchronously: probe until a sentinel's dead letter comes back
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    OUT.clear();
                    return sentinelRoundTrip("json", 2_000) != null;
                });
        OUT.clear();
    }

    @AfterAll
    static void stop() {
        STATS.report();
        WORKERS.values().forEach(PipelineWorker::stop);
        for (AutoCloseable c : new AutoCloseable[] {observer, gateway, model, broker}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static JsonNode parse(byte[] payload) {
        try {
            return MAPPER.readTree(payload);
        } catch (IOException e) {
            return MAPPER.getNodeFactory().textNode("unparseable: " + e.getMessage());
        }
    }

    /**
     * Offers a sentinel and collects what the broker delivers up to its dead letter.
     *
     * @return the messages before the sentinel's dead letter, null when it did not come in time
     */
    private static List<JsonNodeOn> sentinelRoundTrip(String format, long millis) throws InterruptedException {
        String topic = "fuzz-sentinel/" + (++sentinels);
        WORKERS.get(format).offer(new InboundMessage("fuzz", topic, SENTINEL, 1, System.nanoTime()));
        String expected = "fuzz/dl/" + format + "/" + topic;
        List<JsonNodeOn> before = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            JsonNodeOn m = OUT.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (m == null) {
                break;
            }
            if (m.topic().equals(expected)) {
                return before;
            }
            before.add(m);
        }
        return null;
    }

    @DictionaryEntries({
        "\"value\":",
        "\"ts\":",
        "\"bn\":",
        "\"bt\":",
        "\"n\":",
        "\"v\":",
        "\"t\":",
        "T00:00:00Z",
        "1e308",
        "[{",
        "},{"
    })
    @FuzzTest(maxDuration = "30s")
    void entry(FuzzedDataProvider data) throws InterruptedException {
        String[] choice = CHOICES.get(data.consumeInt(0, CHOICES.size() - 1));
        String format = choice[0];
        byte[] payload = data.consumeRemainingAsBytes();
        STATS.execution();
        WORKERS.get(format).offer(new InboundMessage("fuzz", choice[1], payload, 1, System.nanoTime()));
        List<JsonNodeOn> outcome = sentinelRoundTrip(format, 20_000);
        if (outcome == null) {
            fail("no sentinel after a " + format + " input on " + choice[1] + ": the worker stopped or an outcome was"
                    + " lost (" + WORKERS.get(format).status("anomaly", "gw") + ")");
        }
        ConnectionStatus gw = gateway.status();
        assertEquals(0, gw.reconnects(), "the input cost the gateway its connection: " + gw.lastError());
        assertEquals(0, gw.publishDropped(), "a result or dead letter was dropped: " + gw.lastError());
        int results = 0;
        int deadLetters = 0;
        for (JsonNodeOn m : outcome) {
            if (m.topic().startsWith("fuzz/out/" + format + "/")) {
                results++;
                assertResult(m);
            } else if (m.topic().equals("fuzz/dl/" + format + "/" + choice[1])) {
                deadLetters++;
                assertDeadLetter(m);
            } else {
                fail("unexpected message on " + m.topic() + ": " + m.body());
            }
        }
        assertTrue(deadLetters <= 1, deadLetters + " dead letters for one input");
        if (results > 0 && deadLetters > 0) {
            STATS.outcome("results+deadletter");
        } else if (results > 0) {
            STATS.outcome("result");
        } else if (deadLetters > 0) {
            STATS.outcome("deadletter");
        } else {
            assertEquals("sparkplug-b", format, "an input with neither a result nor a dead letter");
            STATS.outcome("nothing-to-score");
        }
    }

    private static void assertResult(JsonNodeOn m) {
        JsonNode r = m.body();
        assertTrue(r.path("score").isNumber(), "result without a numeric score: " + r);
        double score = r.get("score").asDouble();
        assertTrue(score >= 0 && score <= 1, "score out of 0..1: " + r);
        assertTrue(r.path("value").isNumber() && Double.isFinite(r.get("value").asDouble()), "value not finite: " + r);
        assertFalse(r.path("device").asText("").isEmpty(), "result without a device: " + r);
        assertFalse(r.path("quantity").asText("").isEmpty(), "result without a quantity: " + r);
    }

    private static void assertDeadLetter(JsonNodeOn m) {
        JsonNode d = m.body();
        String code = d.path("code").asText("");
        STATS.code(code);
        assertFalse(code.isEmpty(), "dead letter without a code: " + d);
        assertFalse(d.path("reason").asText("").isEmpty(), "dead letter without a reason: " + d);
        assertNotEquals("internal-error", code, "an exception escaped the stages: " + d);
        assertNotNull(d.get("payloadPreview"), "dead letter without a preview: " + d);
    }
}
