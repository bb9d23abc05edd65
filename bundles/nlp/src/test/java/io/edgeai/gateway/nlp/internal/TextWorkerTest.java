package io.edgeai.gateway.nlp.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.mqtt.internal.ConnectionSettings;
import io.edgeai.gateway.mqtt.internal.PahoConnection;
import io.edgeai.gateway.nlp.internal.intent.FewShotIntents;
import io.edgeai.gateway.testing.Mosquitto;

/** The text pipeline on plain Java: real mosquitto, real Paho, the shipped encoders and demo heads in ORT. */
class TextWorkerTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] INTENTS = {
        "lights_on=turn on the lights|switch the light on|lights on please",
        "lights_off=turn off the lights|switch the light off|lights off",
        "weather=what is the weather like|will it rain tomorrow"
    };
    private static final String[] INTENTS_ZH = {
        "开灯=打开灯|把灯打开|开一下灯", "关灯=关掉灯|把灯关了|关灯", "天气=今天天气怎么样|明天会下雨吗", "音乐=放一首歌|播放音乐"
    };

    private static Mosquitto broker;
    private static PahoConnection gateway;
    private static PahoConnection device;
    private static final Map<String, JsonNode> latest = new ConcurrentHashMap<>();
    /** Every result and dead letter in arrival order, as topic and payload. */
    private static final java.util.Queue<Map.Entry<String, JsonNode>> arrivals =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    private TextWorker worker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = Mosquitto.startOnFreePort();
        gateway = new PahoConnection(ConnectionSettings.of("gw", broker.uri(), "edgeai-text-gw"));
        device = new PahoConnection(ConnectionSettings.of("dev", broker.uri(), "edgeai-text-dev"));
        device.subscribe("edgeai/#", 1, m -> {
            JsonNode n = parse(m.payload());
            latest.put(m.topic(), n);
            arrivals.add(Map.entry(m.topic(), n));
        });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> gateway.status().state() == ConnectionState.CONNECTED
                        && device.status().state() == ConnectionState.CONNECTED);
    }

    @AfterAll
    static void stopBroker() {
        device.close();
        gateway.close();
        broker.close();
    }

    @AfterEach
    void stopWorker() {
        if (worker != null) {
            worker.stop();
        }
    }

    private static JsonNode parse(byte[] b) {
        try {
            return MAPPER.readTree(b);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static TextSettings settings(
            String name,
            String topic,
            String encoder,
            Set<String> tasks,
            String[] intents,
            String intentModel,
            String slotModel,
            double minSimilarity) {
        return new TextSettings(
                name,
                topic,
                1,
                "edgeai/nlp",
                1,
                "edgeai/deadletter",
                "text",
                1 << 20,
                500,
                encoder,
                tasks,
                FewShotIntents.parse(intents),
                intentModel,
                slotModel,
                -1,
                minSimilarity,
                0.05,
                100);
    }

    private void start(TextSettings s) {
        worker = new TextWorker(s, gateway, TestModels.ALL);
        worker.start();
    }

    /**
     * Publishes until a result for this text arrives (the subscription is asynchronous), then returns it.
     * Results are matched on their text (dead letters on their code), so a late answer to an earlier question cannot be mistaken for it.
     */
    private static JsonNode ask(String topic, String payload) {
        String text = payload.startsWith("{")
                ? parse(payload.getBytes(StandardCharsets.UTF_8)).get("text").asText()
                : payload;
        return ask(topic, payload.getBytes(StandardCharsets.UTF_8), "edgeai/nlp/" + topic, text);
    }

    private static JsonNode ask(String topic, byte[] payload, String resultTopic, String text) {
        latest.remove(resultTopic);
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    if (!answered(resultTopic, text)) {
                        device.publish(topic, payload, 1, false);
                    }
                    return answered(resultTopic, text);
                });
        return latest.get(resultTopic);
    }

    private static boolean answered(String resultTopic, String text) {
        JsonNode r = latest.get(resultTopic);
        // a result carries its text, a dead letter its code
        return r != null
                && (r.path("text").asText().equals(text)
                        || r.path("code").asText().equals(text));
    }

    @Test
    void fewShotIntentsOutOfScopeAndALiveChange() {
        TextSettings s = settings("en", "home/+/voice", "all-minilm-l6-v2-q", Set.of("intent"), INTENTS, "", "", 0.5);
        start(s);
        JsonNode r = ask("home/kitchen/voice", "{\"text\":\"please switch on the light in the kitchen\"}");
        assertEquals("lights_on", r.get("intent").asText(), r.toString());
        assertEquals("please switch on the light in the kitchen", r.get("text").asText());
        assertEquals("few-shot", r.get("intentModel").asText());
        assertEquals("all-minilm-l6-v2-q@1.0.0", r.get("model").asText());
        assertEquals(3, r.get("alternatives").size());
        assertTrue(r.get("confidence").asDouble() > 0.5, r.toString());
        assertEquals(
                "weather",
                ask("home/hall/voice", "is it going to rain tomorrow")
                        .get("intent")
                        .asText());
        assertEquals(
                "out_of_scope",
                ask("home/hall/voice", "who wrote pride and prejudice")
                        .get("intent")
                        .asText());
        assertEquals(
                "out_of_scope",
                ask("home/hall/voice", "brew me a cup of coffee").get("intent").asText());

        String[] more = java.util.Arrays.copyOf(INTENTS, INTENTS.length + 1);
        more[INTENTS.length] = "coffee=make me a coffee|brew some coffee|i want an espresso";
        worker.update(settings("en", "home/+/voice", "all-minilm-l6-v2-q", Set.of("intent"), more, "", "", 0.5));
        JsonNode coffee = ask("home/hall/voice", "could you brew me some coffee");
        assertEquals("coffee", coffee.get("intent").asText(), coffee.toString());
    }

    @Test
    void chineseFewShotIntentsOnBge() {
        start(settings("zh", "home/+/voice-zh", "bge-small-zh-v15-q", Set.of("intent"), INTENTS_ZH, "", "", 0.6));
        JsonNode r = ask("home/living/voice-zh", "{\"text\":\"请帮我把客厅的灯打开\"}");
        assertEquals("开灯", r.get("intent").asText(), r.toString());
        assertEquals("bge-small-zh-v15-q@1.0.0", r.get("model").asText());
        assertEquals("关灯", ask("home/living/voice-zh", "把卧室的灯关掉").get("intent").asText());
        assertEquals("天气", ask("home/living/voice-zh", "明天北京会下雨吗").get("intent").asText());
        assertEquals(
                "音乐", ask("home/living/voice-zh", "给我放首周杰伦的歌").get("intent").asText());
        JsonNode oos = ask("home/living/voice-zh", "量子力学的基本原理是什么");
        assertEquals("out_of_scope", oos.get("intent").asText(), oos.toString());
    }

    @Test
    void headModelsGiveIntentEntitiesAndEmbedding() {
        start(settings(
                "heads",
                "home/+/cmd",
                "all-minilm-l6-v2-q",
                Set.of("intent", "entities", "embedding"),
                new String[0],
                "iot-intent-minilm",
                "iot-slots-minilm",
                0.5));
        String text = "turn off the lights in the Kitchen";
        JsonNode r = ask("home/k/cmd", "{\"text\":\"" + text + "\"}");
        assertEquals("iot_hue_lightoff", r.get("intent").asText(), r.toString());
        assertEquals("iot-intent-minilm@1.0.0", r.get("intentModel").asText());
        assertEquals(384, r.get("embedding").size());
        JsonNode place = null;
        for (JsonNode e : r.get("entities")) {
            if (e.get("type").asText().equals("house_place")) {
                place = e;
            }
        }
        assertTrue(place != null, "no house_place entity in " + r);
        assertEquals("Kitchen", place.get("text").asText());
        assertEquals(text.indexOf("Kitchen"), place.get("start").asInt());
        assertEquals(text.indexOf("Kitchen") + 7, place.get("end").asInt());
        assertTrue(place.get("confidence").asDouble() > 0.5, place.toString());

        JsonNode oos = ask("home/k/cmd", "what is the capital of australia");
        assertEquals("out_of_scope", oos.get("intent").asText(), oos.toString());
    }

    @Test
    void badInputGoesToTheDeadLetterTopicWithAReason() {
        start(settings("dl", "home/+/dl", "all-minilm-l6-v2-q", Set.of("intent"), INTENTS, "", "", 0.5));
        String dl = "edgeai/deadletter/home/x/dl";
        JsonNode bad = ask("home/x/dl", "{\"text\": oops".getBytes(StandardCharsets.UTF_8), dl, "not-json");
        assertEquals("not-json", bad.get("code").asText());
        assertEquals("dl", bad.get("pipeline").asText());
        byte[] huge = ("{\"text\":\"" + "a".repeat(1 << 20) + "\"}").getBytes(StandardCharsets.UTF_8);
        JsonNode big = ask("home/x/dl", huge, dl, "oversize");
        assertEquals("oversize", big.get("code").asText(), big.toString());
        assertEquals(huge.length, big.get("payloadBytes").asInt());
        assertTrue(big.get("reason").asText().contains("exceeds the limit of 1048576 bytes"), big.toString());
        JsonNode tooLong = ask("home/x/dl", "word ".repeat(200).getBytes(StandardCharsets.UTF_8), dl, "too-long");
        assertEquals("too-long", tooLong.get("code").asText());
        // the pipeline keeps going
        assertEquals(
                "lights_off",
                ask("home/x/dl", "switch off the lights").get("intent").asText());
        assertTrue(worker.status("gw").rejected() >= 3);
    }

    @Test
    void microBatchesPublishEveryResultInInputOrderAndDeadLetterOnlyTheBadMessage() {
        start(settings("batch", "home/+/batch", "all-minilm-l6-v2-q", Set.of("intent"), INTENTS, "", "", 0.5)
                .withBatch(8, 200));
        assertEquals(
                "lights_on",
                ask("home/probe/batch", "turn on the lights").get("intent").asText());
        String[] texts = {
            "switch the light on",
            "lights off",
            "will it rain tomorrow",
            "turn on the lights please",
            "switch off the lights now",
            "what is the weather like today",
            "lights on please",
            "turn off the lights"
        };
        String[] want = {
            "lights_on", "lights_off", "weather", "lights_on", "lights_off", "weather", "lights_on", "lights_off"
        };
        arrivals.clear();
        int n = 24;
        int bad = 10;
        for (int i = 0; i < n; i++) {
            String payload = i == bad ? "{\"text\": oops" : "{\"text\":\"" + texts[i % texts.length] + "\"}";
            device.publish("home/b/batch", payload.getBytes(StandardCharsets.UTF_8), 1, false);
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> arrivals.stream()
                                .filter(e -> e.getKey().endsWith("home/b/batch"))
                                .count()
                        == n);
        List<JsonNode> results = arrivals.stream()
                .filter(e -> e.getKey().equals("edgeai/nlp/home/b/batch"))
                .map(Map.Entry::getValue)
                .toList();
        List<JsonNode> deadLetters = arrivals.stream()
                .filter(e -> e.getKey().equals("edgeai/deadletter/home/b/batch"))
                .map(Map.Entry::getValue)
                .toList();
        assertEquals(1, deadLetters.size(), deadLetters.toString());
        assertEquals("not-json", deadLetters.get(0).get("code").asText());
        assertEquals(n - 1, results.size());
        int r = 0;
        for (int i = 0; i < n; i++) {
            if (i == bad) {
                continue;
            }
            JsonNode result = results.get(r++);
            assertEquals(texts[i % texts.length], result.get("text").asText(), "result " + r + " out of order");
            assertEquals(want[i % texts.length], result.get("intent").asText(), result.toString());
        }
        assertTrue(
                worker.batchRuns() > 0 && worker.batchTexts() / (double) worker.batchRuns() > 1.5,
                worker.batchRuns() + " batched runs for " + worker.batchTexts() + " texts");
        assertTrue(worker.batchRuns() < n / 2, "messages were batched: " + worker.batchRuns() + " runs");
    }

    @Test
    void intentEntitiesAndEmbeddingCostOneEncoderRunPerMessage() {
        TextSettings s = settings(
                "runs",
                "home/+/runs",
                "all-minilm-l6-v2-q",
                Set.of("intent", "entities", "embedding"),
                new String[0],
                "iot-intent-minilm",
                "iot-slots-minilm",
                0.5);
        io.edgeai.gateway.api.ModelRunner encoder = TestModels.ALL.model("all-minilm-l6-v2-q");
        TextWorker direct = new TextWorker(s, gateway, TestModels.ALL); // not started: process() on this thread
        long before = encoder.inferenceCount();
        String text = "turn off the lights in the Kitchen";
        direct.process(new io.edgeai.gateway.api.InboundMessage(
                "gw",
                "home/k/runs",
                ("{\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8),
                1,
                System.nanoTime()));
        assertEquals(1, encoder.inferenceCount() - before, "encoder runs for one message");
        await().atMost(Duration.ofSeconds(10)).until(() -> answered("edgeai/nlp/home/k/runs", text));
        JsonNode r = latest.get("edgeai/nlp/home/k/runs");
        assertEquals("iot_hue_lightoff", r.get("intent").asText(), r.toString());
        assertEquals(384, r.get("embedding").size());
        assertTrue(r.get("entities").size() > 0, r.toString());
    }

    /**
     * hold-acks: while the worker is held back, the intake stops at the queue bound (the broker keeps the
     * rest); afterwards every message has its result and every input is acknowledged.
     */
    @Test
    void aFloodWithHoldAcksStopsTheIntakeAndLosesNothing() {
        java.util.concurrent.atomic.AtomicBoolean gate = new java.util.concurrent.atomic.AtomicBoolean(true);
        ModelLookup held = new ModelLookup() {
            @Override
            public io.edgeai.gateway.api.TextEncoder encoder(String name) {
                while (!gate.get() && Thread.currentThread().getName().startsWith("edgeai-text-")) {
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
                }
                return TestModels.ALL.encoder(name);
            }

            @Override
            public io.edgeai.gateway.api.ModelRunner model(String name) {
                return TestModels.ALL.model(name);
            }
        };
        TextSettings base =
                settings("flood", "flood/+/voice", "all-minilm-l6-v2-q", Set.of("intent"), INTENTS, "", "", 0.5);
        TextSettings s = new TextSettings(
                base.name(),
                base.inputTopic(),
                1,
                base.outputTopicPrefix(),
                1,
                base.deadLetterTopicPrefix(),
                base.textField(),
                base.maxPayloadBytes(),
                base.maxTextLength(),
                base.encoder(),
                base.tasks(),
                base.intents(),
                "",
                "",
                -1,
                0.5,
                0.05,
                5,
                "hold-acks");
        worker = new TextWorker(s, gateway, held);
        worker.start();
        ask("flood/probe/voice", "lights on please");
        java.util.concurrent.atomic.AtomicInteger results = new java.util.concurrent.atomic.AtomicInteger();
        device.subscribe("edgeai/nlp/flood/room/#", 1, m -> results.incrementAndGet());
        long before = worker.status("gw").received();
        gate.set(false);
        for (int i = 0; i < 60; i++) {
            device.publish("flood/room/voice", ("turn off the lights " + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.status("gw").held() > 0);
        // one in the worker's hand, five queued, one waiting in the intake
        assertTrue(worker.status("gw").received() - before <= 7, "intake stopped: " + worker.status("gw"));
        assertTrue(gateway.status().unacknowledged() >= 6, "nothing held back was acknowledged");
        gate.set(true);
        await().atMost(Duration.ofSeconds(60)).until(() -> results.get() == 60);
        assertEquals(0, worker.status("gw").dropped());
        assertEquals("hold-acks", worker.status("gw").overflowPolicy());
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.status().unacknowledged() == 0);
    }

    /**
     * Stopping a shared-subscription worker: the broker acknowledges the unsubscribe first, then the queued
     * inputs are finished and acknowledged instead of being left in the session; later inputs no longer reach it.
     */
    @Test
    void aStoppingSharedWorkerLeavesTheShareThenFinishesWhatItHolds() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean gate = new java.util.concurrent.atomic.AtomicBoolean(true);
        ModelLookup held = new ModelLookup() {
            @Override
            public io.edgeai.gateway.api.TextEncoder encoder(String name) {
                while (!gate.get() && Thread.currentThread().getName().startsWith("edgeai-text-")) {
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
                }
                return TestModels.ALL.encoder(name);
            }

            @Override
            public io.edgeai.gateway.api.ModelRunner model(String name) {
                return TestModels.ALL.model(name);
            }
        };
        TextSettings s =
                settings("drain", "drain/+/voice", "all-minilm-l6-v2-q", Set.of("intent"), INTENTS, "", "", 0.5);
        worker = new TextWorker(s, gateway, held).shareGroup("drain");
        worker.start();
        ask("drain/probe/voice", "lights on please");
        java.util.concurrent.atomic.AtomicInteger results = new java.util.concurrent.atomic.AtomicInteger();
        device.subscribe("edgeai/nlp/drain/room/#", 1, m -> results.incrementAndGet());
        long before = worker.status("gw").received();
        gate.set(false);
        for (int i = 0; i < 10; i++) {
            device.publish("drain/room/voice", ("turn off the lights " + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.status("gw").received() - before == 10);
        assertTrue(gateway.status().unacknowledged() >= 10, "none of them is finished yet");
        java.util.concurrent.CompletableFuture<Void> stopped =
                java.util.concurrent.CompletableFuture.runAsync(worker::stop);
        gate.set(true);
        stopped.get(30, java.util.concurrent.TimeUnit.SECONDS);
        // every input it held was finished: a result each, all acknowledged
        await().atMost(Duration.ofSeconds(20)).until(() -> results.get() == 10);
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.status().unacknowledged() == 0);
        // and it left the share: what is published now does not reach it
        long after = worker.status("gw").received();
        for (int i = 0; i < 5; i++) {
            device.publish("drain/room/voice", ("lights on please " + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        // the device's own subscription sees a marker once the broker has routed everything published before it
        java.util.concurrent.atomic.AtomicBoolean routed = new java.util.concurrent.atomic.AtomicBoolean();
        device.subscribe("drain-marker", 1, m -> routed.set(true));
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    device.publish("drain-marker", new byte[] {1}, 1, false);
                    return routed.get();
                });
        assertEquals(after, worker.status("gw").received(), "nothing reached the stopped worker");
        assertEquals(10, results.get());
    }
}
