package io.edgeai.gateway.nlp.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.ConnectionStatus;
import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.mqtt.internal.ConnectionSettings;
import io.edgeai.gateway.mqtt.internal.PahoConnection;
import io.edgeai.gateway.nlp.internal.intent.FewShotIntents;
import io.edgeai.gateway.testing.FuzzStats;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * The text pipeline's entry, the whole path: TextWorkers on a real Paho connection to a real mosquitto,
 * decode, tokenize, the shipped MiniLM encoder and heads in ONNX Runtime. One worker classifies with the
 * intent and slot heads, one with few-shot intents. Each input is offered as the MQTT callback offers it;
 * an oversize sentinel after it marks the end of its outcome on the broker. Per input: exactly one result
 * (confidences in 0..1, entities whose offsets cut their text out of the input text) or exactly one dead
 * letter with a code and a reason, never {@code internal-error}; the worker keeps answering and the
 * connection is neither lost nor drops a message. The last byte picks worker and topic, the rest is the
 * payload.
 */
class TextPipelineFuzzTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_PAYLOAD = 4096;
    private static final byte[] SENTINEL = new byte[MAX_PAYLOAD + 1];
    private static final String[] INTENTS = {
        "lights_on=turn on the lights|switch the light on",
        "lights_off=turn off the lights|switch the light off",
        "weather=what is the weather like|will it rain"
    };
    private static final List<String> TOPICS = List.of("home/kitchen/voice", "home/hall/cmd");
    private static final FuzzStats STATS = new FuzzStats("text-pipeline");
    private static final BlockingQueue<Delivered> OUT = new LinkedBlockingQueue<>();
    private static final Map<String, TextWorker> WORKERS = new LinkedHashMap<>();
    private static Mosquitto broker;
    private static PahoConnection gateway;
    private static PahoConnection observer;
    private static long sentinels;

    private record Delivered(String topic, JsonNode body) {}

    @BeforeAll
    static void start() throws Exception {
        // without TCP_NODELAY, Nagle and delayed ACKs hold each small QoS 1 exchange for ~40 ms
        broker = Mosquitto.startOnFreePort(List.of("set_tcp_nodelay true"));
        gateway = new PahoConnection(ConnectionSettings.of("gw", broker.uri(), "edgeai-text-fuzz-gw"));
        observer = new PahoConnection(ConnectionSettings.of("obs", broker.uri(), "edgeai-text-fuzz-observer"));
        observer.subscribe("fuzz/#", 1, m -> OUT.add(new Delivered(m.topic(), parse(m.payload()))));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> gateway.status().state() == ConnectionState.CONNECTED
                        && observer.status().state() == ConnectionState.CONNECTED);
        WORKERS.put(
                "heads",
                new TextWorker(
                        settings(
                                "heads",
                                Set.of("intent", "entities"),
                                new String[0],
                                "iot-intent-minilm",
                                "iot-slots-minilm"),
                        gateway,
                        TestModels.ALL));
        WORKERS.put(
                "few-shot",
                new TextWorker(settings("few-shot", Set.of("intent"), INTENTS, "", ""), gateway, TestModels.ALL));
        WORKERS.values().forEach(TextWorker::start);
        // the observer subscribes asynchronously: probe until a sentinel's dead letter comes back
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    OUT.clear();
                    return sentinelRoundTrip("heads", 2_000) != null;
                });
        OUT.clear();
    }

    private static TextSettings settings(
            String name, Set<String> tasks, String[] intents, String intentModel, String slotModel) {
        return new TextSettings(
                name,
                "fuzz-in/" + name + "/#",
                1,
                "fuzz/out/" + name,
                1,
                "fuzz/dl/" + name,
                "text",
                MAX_PAYLOAD,
                500,
                "all-minilm-l6-v2-q",
                tasks,
                FewShotIntents.parse(intents),
                intentModel,
                slotModel,
                -1,
                0.5,
                0.05,
                100);
    }

    @AfterAll
    static void stop() {
        STATS.report();
        WORKERS.values().forEach(TextWorker::stop);
        for (AutoCloseable c : new AutoCloseable[] {observer, gateway, broker}) {
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

    /** @return the messages before the sentinel's dead letter, null when it did not come in time */
    private static List<Delivered> sentinelRoundTrip(String worker, long millis) throws InterruptedException {
        String topic = "fuzz-sentinel/" + (++sentinels);
        WORKERS.get(worker).offer(new InboundMessage("fuzz", topic, SENTINEL, 1, System.nanoTime()));
        String expected = "fuzz/dl/" + worker + "/" + topic;
        List<Delivered> before = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            Delivered m = OUT.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
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

    @FuzzTest(maxDuration = "30s")
    void entry(FuzzedDataProvider data) throws InterruptedException {
        int pick = data.consumeInt(0, WORKERS.size() * TOPICS.size() - 1);
        String worker = new ArrayList<>(WORKERS.keySet()).get(pick % WORKERS.size());
        String topic = TOPICS.get(pick / WORKERS.size());
        byte[] payload = data.consumeRemainingAsBytes();
        STATS.execution();
        WORKERS.get(worker).offer(new InboundMessage("fuzz", topic, payload, 1, System.nanoTime()));
        List<Delivered> outcome = sentinelRoundTrip(worker, 30_000);
        if (outcome == null) {
            fail("no sentinel after an input to " + worker + ": the worker stopped or an outcome was lost ("
                    + WORKERS.get(worker).status("gw") + ")");
        }
        ConnectionStatus gw = gateway.status();
        assertEquals(0, gw.reconnects(), "the input cost the gateway its connection: " + gw.lastError());
        assertEquals(0, gw.publishDropped(), "a result or dead letter was dropped: " + gw.lastError());
        assertEquals(1, outcome.size(), "one input, one outcome: " + outcome);
        Delivered m = outcome.get(0);
        if (m.topic().equals("fuzz/out/" + worker + "/" + topic)) {
            assertResult(m.body());
            STATS.outcome("result");
        } else if (m.topic().equals("fuzz/dl/" + worker + "/" + topic)) {
            JsonNode d = m.body();
            String code = d.path("code").asText("");
            STATS.code(code);
            assertFalse(code.isEmpty(), "dead letter without a code: " + d);
            assertFalse(d.path("reason").asText("").isEmpty(), "dead letter without a reason: " + d);
            assertNotEquals("internal-error", code, "an exception escaped the stages: " + d);
            STATS.outcome("deadletter");
        } else {
            fail("unexpected message on " + m.topic() + ": " + m.body());
        }
    }

    private static void assertResult(JsonNode r) {
        String text = r.path("text").asText("");
        assertFalse(text.isEmpty(), "result without text: " + r);
        assertFalse(r.path("intent").asText("").isEmpty(), "result without an intent: " + r);
        assertProbability(r.path("confidence"), r);
        for (JsonNode alt : r.path("alternatives")) {
            assertProbability(alt.path("confidence"), r);
        }
        for (JsonNode e : r.path("entities")) {
            int start = e.path("start").asInt(-1);
            int end = e.path("end").asInt(-1);
            assertTrue(0 <= start && start < end && end <= text.length(), "entity offsets outside the text: " + r);
            assertEquals(text.substring(start, end), e.path("text").asText(), "entity text is not its span: " + r);
            assertProbability(e.path("confidence"), r);
        }
    }

    private static void assertProbability(JsonNode n, JsonNode r) {
        assertTrue(n.isNumber() && n.asDouble() >= 0 && n.asDouble() <= 1, "confidence not in 0..1: " + r);
    }
}
