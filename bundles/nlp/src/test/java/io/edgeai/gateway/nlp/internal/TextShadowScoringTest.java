package io.edgeai.gateway.nlp.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.ShadowComparison;
import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.mqtt.internal.ConnectionSettings;
import io.edgeai.gateway.mqtt.internal.PahoConnection;
import io.edgeai.gateway.nlp.internal.intent.FewShotIntents;
import io.edgeai.gateway.onnx.internal.OrtModelRunner;
import io.edgeai.gateway.onnx.internal.OrtTextEncoder;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * Shadow candidates of a text pipeline's encoder and intent head, with the real shipped models in ORT, real
 * mosquitto and Paho: a candidate never answers live text, its intents are compared with the serving version's
 * (the figures model-compare, model-promote and the canary read), and unbinding it or a pinned version leaves
 * the serving version answering.
 */
class TextShadowScoringTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ENCODER = "all-minilm-l6-v2-q";
    private static final String HEAD = "iot-intent-minilm";
    private static final String SLOTS = "iot-slots-minilm";
    private static final String[] INTENTS = {
        "lights_on=turn on the lights|switch the light on|lights on please",
        "lights_off=turn off the lights|switch the light off|lights off",
        "weather=what is the weather like|will it rain tomorrow"
    };
    private static final List<String> TEXTS = List.of(
            "turn off the lights in the kitchen",
            "switch the bedroom light on",
            "will it rain in paris tomorrow",
            "what is the capital of australia",
            "play some jazz music",
            "set an alarm for seven tomorrow morning",
            "how warm is it outside",
            "dim the lights in the hall");

    private static Mosquitto broker;
    private static PahoConnection gateway;
    private static PahoConnection device;
    private static final Map<String, JsonNode> latest = new ConcurrentHashMap<>();
    private final VersionedModels models = new VersionedModels();
    private final List<Object> loaded = new ArrayList<>();
    private TextWorker worker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = Mosquitto.startOnFreePort();
        gateway = new PahoConnection(ConnectionSettings.of("gw", broker.uri(), "edgeai-shadow-gw"));
        device = new PahoConnection(ConnectionSettings.of("dev", broker.uri(), "edgeai-shadow-dev"));
        device.subscribe("edgeai/#", 1, m -> latest.put(m.topic(), parse(m.payload())));
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
    void stopWorkerAndCloseCandidates() {
        if (worker != null) {
            worker.stop();
        }
        loaded.forEach(m -> {
            if (m instanceof OrtTextEncoder e) {
                e.close();
            } else {
                ((OrtModelRunner) m).close();
            }
        });
    }

    private static JsonNode parse(byte[] b) {
        try {
            return MAPPER.readTree(b);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A shipped model loaded again as another name and version, closed after the test. */
    private <T> T version(String shipped, String name, String version, Class<T> type) {
        Object m = TestModels.relabelled(shipped, name, version);
        loaded.add(m);
        return type.cast(m);
    }

    /**
     * Settings of a test pipeline on the shipped encoder: the intent task (few-shot intents when no intent model
     * is named) or, with a slot model, the entities task alone.
     */
    private static TextSettings settings(String name, String topic, String intentModel, String slotModel, int queue) {
        boolean entities = !slotModel.isEmpty();
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
                ENCODER,
                Set.of(entities ? "entities" : "intent"),
                entities || !intentModel.isEmpty() ? Map.of() : FewShotIntents.parse(INTENTS),
                intentModel,
                slotModel,
                -1,
                0.5,
                0.05,
                queue);
    }

    private void start(TextSettings s) {
        worker = new TextWorker(s, gateway, models);
        worker.start();
    }

    private void start(String name, String topic, String intentModel) {
        start(settings(name, topic, intentModel, "", 100));
    }

    /** A pipeline with the entities task only, on the slot head. */
    private void startEntities(String name, String topic) {
        start(settings(name, topic, "", SLOTS, 100));
    }

    /**
     * Publishes the text, again each second until its result arrives (the worker's subscription is asynchronous),
     * then returns the result (a result carries its text).
     */
    private static JsonNode ask(String topic, String text) {
        String resultTopic = "edgeai/nlp/" + topic;
        latest.remove(resultTopic);
        long[] sent = {0};
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!answered(resultTopic, text) && System.nanoTime() - sent[0] > 1_000_000_000L) {
                        device.publish(topic, text.getBytes(StandardCharsets.UTF_8), 1, false);
                        sent[0] = System.nanoTime();
                    }
                    return answered(resultTopic, text);
                });
        return latest.get(resultTopic);
    }

    private static boolean answered(String resultTopic, String text) {
        JsonNode r = latest.get(resultTopic);
        return r != null && r.path("text").asText().equals(text);
    }

    private ShadowComparison figures(String candidate) {
        for (ShadowComparison c : worker.shadowComparisons()) {
            if (c.candidate().equals(candidate)) {
                return c;
            }
        }
        return null;
    }

    /** Waits until the candidate's figures account for at least {@code texts} texts, then returns them. */
    private ShadowComparison awaitFigures(String candidate, int texts) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            ShadowComparison c = figures(candidate);
            return c != null && c.compared() + c.failed() + c.skipped() >= texts;
        });
        return figures(candidate);
    }

    @Test
    void aShadowEncoderNeverAnswersLiveTextItsIntentsAreComparedAndItsRemovalLeavesTheServingVersion() {
        models.encoder(TestModels.ALL.encoder(ENCODER), true, false, 0);
        TextEncoder candidate = version(ENCODER, ENCODER, "1.1.0", TextEncoder.class);
        models.encoder(candidate, false, true, 0);
        start("shadow-enc", "shadow/+/enc", "");
        for (String text : TEXTS) {
            JsonNode r = ask("shadow/a/enc", text);
            assertEquals(ENCODER + "@1.0.0", r.get("model").asText(), "the candidate never answers: " + r);
        }
        ShadowComparison c = awaitFigures(ENCODER + "@1.1.0", TEXTS.size());
        // the same network under a new version: every intent agrees, confidences are the same
        assertEquals(ENCODER + "@1.0.0", c.serving());
        assertEquals(0, c.failed());
        assertEquals(0, c.skipped(), "one text at a time never fills the shadow queue");
        assertEquals(c.compared(), c.agreed(), c.toString());
        assertTrue(c.compared() >= TEXTS.size(), c.toString());
        assertTrue(c.maxAbsDiff() < 1e-5, c.toString());
        assertEquals(100.0, c.agreementPercent());

        models.encoders.remove(candidate);
        long compared = c.compared();
        assertEquals(
                ENCODER + "@1.0.0",
                ask("shadow/b/enc", "switch off the lights").get("model").asText());
        assertEquals(
                "lights_off",
                ask("shadow/b/enc", "lights off in the garage please")
                        .get("intent")
                        .asText());
        assertEquals(
                compared,
                figures(ENCODER + "@1.1.0").compared(),
                "no comparison once the candidate is gone; " + "its figures stay for model-compare");
    }

    @Test
    void aFineTunedEncoderInShadowShowsItsConfidenceDifferenceAndServesOnlyOncePromoted() {
        TextEncoder serving = TestModels.ALL.encoder(ENCODER);
        models.encoder(serving, true, false, 0);
        models.model(TestModels.ALL.model(HEAD), true, false, 0);
        // MiniLM fine-tuned on CLINC150: same dimension and tokenizer, different embeddings
        TextEncoder candidate = version("minilm-l6-clinc150-q", ENCODER, "2.0.0", TextEncoder.class);
        models.encoder(candidate, false, true, 0);
        start("shadow-ft", "shadow/+/ft", HEAD);
        for (String text : TEXTS) {
            assertEquals(
                    ENCODER + "@1.0.0", ask("shadow/a/ft", text).get("model").asText());
        }
        ShadowComparison c = awaitFigures(ENCODER + "@2.0.0", TEXTS.size());
        assertEquals(0, c.failed(), c.toString());
        assertTrue(c.compared() >= TEXTS.size(), c.toString());
        assertTrue(c.meanAbsDiff() > 0 && c.maxAbsDiff() >= c.meanAbsDiff() && c.maxAbsDiff() <= 1, c.toString());
        assertTrue(c.agreed() <= c.compared(), c.toString());

        // promotion as the registry does it: the candidate serves with a higher ranking, then the old one stops
        models.encoder(candidate, true, false, 1);
        models.encoder(serving, false, false, 0);
        assertEquals(
                ENCODER + "@2.0.0",
                ask("shadow/b/ft", "turn the lights on in the hall")
                        .get("model")
                        .asText());
        models.encoders.remove(candidate);
        models.encoder(serving, true, false, 0); // a rollback
        assertEquals(
                ENCODER + "@1.0.0",
                ask("shadow/b/ft", "lights on in the hall").get("model").asText());
    }

    @Test
    void aShadowHeadIsComparedOnTheLiveEmbeddingAndABrokenCandidateIsCountedAsFailedWhileLiveTextIsAnswered() {
        models.encoder(TestModels.ALL.encoder(ENCODER), true, false, 0);
        ModelRunner head = TestModels.ALL.model(HEAD);
        models.model(head, true, false, 0);
        ModelRunner candidateHead = version(HEAD, HEAD, "1.1.0", ModelRunner.class);
        models.model(candidateHead, false, true, 0);
        // a 512-d Chinese encoder posing as a new version: the serving 384-d head cannot take its embeddings
        TextEncoder broken = version("bge-small-zh-v15-q", ENCODER, "3.0.0", TextEncoder.class);
        models.encoder(broken, false, true, 0);
        start("shadow-head", "shadow/+/head", HEAD);
        for (String text : TEXTS) {
            JsonNode r = ask("shadow/a/head", text);
            assertEquals(ENCODER + "@1.0.0", r.get("model").asText());
            assertEquals(HEAD + "@1.0.0", r.get("intentModel").asText());
        }
        ShadowComparison h = awaitFigures(HEAD + "@1.1.0", TEXTS.size());
        assertEquals(HEAD + "@1.0.0", h.serving());
        assertEquals(h.compared(), h.agreed(), h.toString());
        assertTrue(h.maxAbsDiff() < 1e-6, h.toString());
        ShadowComparison b = awaitFigures(ENCODER + "@3.0.0", TEXTS.size());
        assertEquals(0, b.compared(), b.toString());
        assertTrue(b.failed() >= TEXTS.size(), "a canary fails on the first failed text: " + b);

        models.models.remove(candidateHead);
        models.encoders.remove(broken);
        JsonNode r = ask("shadow/b/head", "turn off the lights in the kitchen");
        assertEquals("iot_hue_lightoff", r.get("intent").asText(), r.toString());
        assertEquals(HEAD + "@1.0.0", r.get("intentModel").asText());
    }

    @Test
    void theCandidateStepsAsideWhileMoreThanAMicroBatchOrTwoWait() {
        TextSettings s = settings("b", "t/+", "", "", 1000);
        assertTrue(!TextShadowScoring.behind(16, s) && TextShadowScoring.behind(17, s));
        TextSettings small = settings("b", "t/+", "", "", 10);
        assertTrue(!TextShadowScoring.behind(5, small) && TextShadowScoring.behind(6, small), "at most half the queue");
    }

    @Test
    void aPinnedVersionAnswersAndUnpinningOrUnbindingFallsBackToTheServingVersion() {
        models.encoder(TestModels.ALL.encoder(ENCODER), true, false, 0);
        TextEncoder pinned = version(ENCODER, ENCODER, "0.9.0", TextEncoder.class);
        models.encoder(pinned, false, false, 0); // kept loaded by the registry for a pin, not serving
        start("pinned", "shadow/+/pin", "");
        assertEquals(
                ENCODER + "@1.0.0",
                ask("shadow/a/pin", "turn on the lights").get("model").asText(),
                "a version kept loaded for someone's pin does not serve an unpinned pipeline");
        models.pinEncoder(ENCODER, "[0.9,1.0)");
        assertEquals(
                ENCODER + "@0.9.0",
                ask("shadow/a/pin", "lights on please now").get("model").asText());
        models.pinEncoder(ENCODER, null);
        assertEquals(
                ENCODER + "@1.0.0",
                ask("shadow/a/pin", "switch on the light").get("model").asText());
        models.pinEncoder(ENCODER, "[0.9,1.0)");
        models.encoders.remove(pinned);
        models.pinEncoder(ENCODER, null);
        assertEquals(
                ENCODER + "@1.0.0",
                ask("shadow/a/pin", "the light on please").get("model").asText());
        assertTrue(worker.shadowComparisons().isEmpty(), "no candidate, no figures");
    }

    @Test
    void aShadowSlotHeadIsComparedOnTheLiveTokenStatesAndAWrongOneDisagrees() {
        models.encoder(TestModels.ALL.encoder(ENCODER), true, false, 0);
        models.model(TestModels.ALL.model(SLOTS), true, false, 0);
        ModelRunner same = version(SLOTS, SLOTS, "1.1.0", ModelRunner.class);
        models.model(same, false, true, 0);
        startEntities("shadow-slots", "shadow/+/slots");
        List<JsonNode> live = new ArrayList<>();
        for (String text : TEXTS) {
            JsonNode r = ask("shadow/a/slots", text);
            assertTrue(r.has("entities"), r.toString());
            live.add(r.get("entities"));
        }
        assertTrue(live.stream().anyMatch(e -> e.size() > 0), "the texts have entities: " + live);
        ShadowComparison c = awaitFigures(SLOTS + "@1.1.0", TEXTS.size());
        // the same network under a new version: the same entities on every text
        assertEquals(SLOTS + "@1.0.0", c.serving());
        assertEquals(0, c.failed(), c.toString());
        assertTrue(c.compared() >= TEXTS.size(), c.toString());
        assertEquals(c.compared(), c.agreed(), c.toString());
        assertEquals(0.0, c.maxAbsDiff(), c.toString());

        // an intent head posing as a new slot head version: it runs on the token rows, but its "tags" are intents
        models.models.remove(same);
        ModelRunner broken = version(HEAD, SLOTS, "2.0.0", ModelRunner.class);
        models.model(broken, false, true, 0);
        for (int i = 0; i < TEXTS.size(); i++) {
            JsonNode r = ask("shadow/b/slots", TEXTS.get(i));
            assertEquals(live.get(i), r.get("entities"), "live entities come from the serving head: " + r);
        }
        ShadowComparison b = awaitFigures(SLOTS + "@2.0.0", TEXTS.size());
        assertEquals(0, b.failed(), b.toString());
        assertTrue(b.agreed() < b.compared() && b.meanAbsDiff() > 0, "a canary of it would fail: " + b);
    }

    @Test
    void aShadowEncoderOfAnEntitiesPipelineIsComparedOnTheEntities() {
        models.encoder(TestModels.ALL.encoder(ENCODER), true, false, 0);
        models.model(TestModels.ALL.model(SLOTS), true, false, 0);
        // MiniLM fine-tuned on CLINC150: the serving slot head on its token states finds other entities
        TextEncoder candidate = version("minilm-l6-clinc150-q", ENCODER, "2.0.0", TextEncoder.class);
        models.encoder(candidate, false, true, 0);
        startEntities("shadow-slots-enc", "shadow/+/slotsenc");
        for (String text : TEXTS) {
            assertEquals(
                    ENCODER + "@1.0.0",
                    ask("shadow/a/slotsenc", text).get("model").asText());
        }
        ShadowComparison c = awaitFigures(ENCODER + "@2.0.0", TEXTS.size());
        System.out.println("entities, fine-tuned encoder in shadow: " + c);
        assertEquals(0, c.failed(), c.toString());
        assertTrue(c.compared() >= TEXTS.size(), c.toString());
        assertTrue(c.agreed() < c.compared() && c.meanAbsDiff() > 0 && c.maxAbsDiff() <= 1, c.toString());
    }

    @Test
    void entitiesDifferByTheShareNotFoundByBoth() {
        var kitchen = new io.edgeai.gateway.nlp.internal.slots.Entity("house_place", "kitchen", 27, 34, 0.9);
        var seven = new io.edgeai.gateway.nlp.internal.slots.Entity("time", "seven", 10, 15, 0.8);
        var kitchenOther = new io.edgeai.gateway.nlp.internal.slots.Entity("house_place", "kitchen", 27, 34, 0.4);
        assertEquals(0.0, TextShadowScoring.entityDifference(List.of(), List.of()));
        assertEquals(
                0.0,
                TextShadowScoring.entityDifference(List.of(kitchen, seven), List.of(seven, kitchenOther)),
                "order and confidence do not count");
        assertEquals(1.0 / 3, TextShadowScoring.entityDifference(List.of(kitchen, seven), List.of(kitchen)), 1e-12);
        assertEquals(1.0, TextShadowScoring.entityDifference(List.of(kitchen), List.of()));
    }
}
