package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.testing.GatewayProcess;

/**
 * Three gateways (own processes, own client ids and state) in one group against one mosquitto:
 * <ul>
 * <li>the text pipeline's shared subscription gives every QoS 1 input exactly one result, and every member
 * takes a share;</li>
 * <li>one signed group deploy reaches every member, each answers;</li>
 * <li>a canary deploy: the canary scores live traffic with the new version in shadow beside the serving one and
 * promotes it only when the comparison passes, then the others follow; a version whose scores disagree, a
 * starved soak (no traffic) and a refused model each stop the rollout with the reason, and no member changes
 * version; a text encoder's canary compares intents on the canary's share of live texts: the same network
 * under a new version passes, a fine-tuned one whose confidences differ stops the rollout;</li>
 * <li>a member stopped gracefully leaves the shared subscription before it disconnects: the others answer
 * every later input, although its persistent session stays on the broker;</li>
 * <li>the anomaly pipeline with key affinity: a member is killed (SIGKILL) mid-stream, its topics are taken
 * over by the survivor within a bounded time (results say ownerChanged) and no input is left without a
 * result.</li>
 * </ul>
 * The tests run in name order on the same group; the graceful stop and the kill come last.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ScaleOutIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration BOOT = Duration.ofSeconds(240);
    private static GatewayGroup group;
    private static MqttClient watcher;
    private static final Map<String, JsonNode> status = new ConcurrentHashMap<>();
    private static final List<JsonNode> textResults = new CopyOnWriteArrayList<>();
    private static final List<JsonNode> anomalyResults = new CopyOnWriteArrayList<>();
    private static final List<JsonNode> groupAnswers = new CopyOnWriteArrayList<>();
    private static final List<JsonNode> verdicts = new CopyOnWriteArrayList<>();
    private static final Map<String, JsonNode> modelStates = new ConcurrentHashMap<>();
    private static final List<JsonNode> modelEvents = new CopyOnWriteArrayList<>();
    private static ScheduledExecutorService canaryTraffic;
    private static MqttAsyncClient canaryPub;

    @BeforeClass
    public static void startGroup() throws Exception {
        group = GatewayGroup.withBroker();
        for (int i = 1; i <= 3; i++) {
            group.add(i, true);
        }
        watcher = new MqttClient(group.broker.uri(), "scale-watcher", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setAutomaticReconnect(false);
        o.setMaxInflight(1000);
        watcher.connect(o);
        watcher.subscribe(
                new String[] {
                    "edgeai/gateway/+/status",
                    "edgeai/nlp/#",
                    "edgeai/anomaly/#",
                    "edgeai/group/site/cmd/+/response",
                    "edgeai/group/site/cmd/canary-deploy/verdict",
                    "edgeai/+/models",
                    "edgeai/+/models/events"
                },
                new int[] {1, 1, 1, 1, 1, 1, 1});
        watcher.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage m) throws Exception {
                if (m.getPayload().length == 0) {
                    return;
                }
                JsonNode n = MAPPER.readTree(m.getPayload());
                if (topic.startsWith("edgeai/gateway/")) {
                    status.put(n.path("clientId").asText(), n);
                } else if (topic.startsWith("edgeai/nlp/")) {
                    textResults.add(n);
                } else if (topic.startsWith("edgeai/anomaly/")) {
                    anomalyResults.add(n);
                } else if (topic.endsWith("/models")) {
                    modelStates.put(n.path("gateway").asText(), n);
                } else if (topic.endsWith("/models/events")) {
                    modelEvents.add(n);
                } else if (topic.endsWith("/verdict")) {
                    verdicts.add(n);
                } else {
                    groupAnswers.add(n);
                }
            }

            @Override
            public void connectionLost(Throwable cause) {}

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {}
        });
        GatewayGroup.startAll(group.gateways);
        Poll.until(
                "three members online in group site",
                BOOT,
                () -> status.values().stream()
                                        .filter(s -> s.path("status").asText().equals("online")
                                                && s.path("group").asText().equals("site"))
                                        .count()
                                == 3
                        ? true
                        : null);
    }

    @AfterClass
    public static void stopGroup() throws Exception {
        stopCanaryTraffic();
        if (watcher != null && watcher.isConnected()) {
            watcher.disconnect();
        }
        if (group != null) {
            group.close();
        }
    }

    private static String textMetric(GatewayProcess g, String what) {
        return "edgeai_pipeline_messages_" + what + "_total{pipeline=\"text-demo\"}";
    }

    @Test
    public void a_sharedSubscriptionGivesEachInputExactlyOneResultAndEveryMemberAShare() throws Exception {
        MqttAsyncClient pub = group.publisher("scale-text-pub");
        try {
            // pipelines subscribe asynchronously (and load their encoders): probe until every member answers
            int[] probe = {0};
            long[] last = {0};
            Poll.until("every member's text pipeline subscribed", BOOT, () -> {
                if (System.nanoTime() - last[0] < 1_000_000_000L) {
                    return null;
                }
                last[0] = System.nanoTime();
                for (int i = 0; i < 30; i++, probe[0]++) {
                    GatewayGroup.publish(
                            pub,
                            "home/probe/voice",
                            ("{\"text\":\"probe " + probe[0] + "\"}").getBytes(StandardCharsets.UTF_8));
                }
                return group.gateways.stream().allMatch(g -> GatewayGroup.metric(g, textMetric(g, "published")) > 0)
                        ? true
                        : null;
            });
            // (probes sent before any member had subscribed have no result: a $share without subscribers drops)
            Map<GatewayProcess, Double> before = new HashMap<>();
            for (GatewayProcess g : group.gateways) {
                before.put(g, GatewayGroup.metric(g, textMetric(g, "published")));
            }
            textResults.clear();
            int n = 300;
            for (int i = 0; i < n; i++) {
                GatewayGroup.publish(
                        pub,
                        "home/room" + (i % 10) + "/voice",
                        ("{\"text\":\"turn on the lights number " + i + "\"}").getBytes(StandardCharsets.UTF_8));
            }
            Poll.until(
                    "a result for each of " + n + " inputs",
                    Duration.ofSeconds(120),
                    () -> textResults.stream()
                                            .filter(r ->
                                                    r.path("text").asText().startsWith("turn on the lights number "))
                                            .count()
                                    >= n
                            ? true
                            : null);
            Map<GatewayProcess, Double> share = new HashMap<>();
            double total = Poll.until("the members' counters settle at " + n, Duration.ofSeconds(30), () -> {
                double sum = 0;
                for (GatewayProcess g : group.gateways) {
                    double d = GatewayGroup.metric(g, textMetric(g, "published")) - before.get(g);
                    share.put(g, d);
                    sum += d;
                }
                return sum >= n ? sum : null;
            });
            Map<String, Integer> perInput = new HashMap<>();
            int results = 0;
            for (JsonNode r : textResults) {
                if (r.path("text").asText().startsWith("turn on the lights number ")) {
                    perInput.merge(r.path("text").asText(), 1, Integer::sum);
                    results++;
                }
            }
            for (int i = 0; i < n; i++) {
                assertEquals(
                        "results for input " + i, Integer.valueOf(1), perInput.get("turn on the lights number " + i));
            }
            assertEquals("no result beyond one per input", n, results);
            assertTrue(
                    "the members published " + total + " results for " + n + " inputs (late probes aside)", total >= n);
            for (GatewayProcess g : group.gateways) {
                assertTrue("every member took a share: " + share.values(), share.get(g) > 0);
            }
        } finally {
            pub.disconnect().waitForCompletion(5000);
            pub.close();
        }
    }

    private List<JsonNode> answers(String nonce, int count) {
        return Poll.until(count + " group answers to " + nonce, Duration.ofSeconds(120), () -> {
            List<JsonNode> a = groupAnswers.stream()
                    .filter(x -> nonce.equals(x.path("nonce").asText()))
                    .toList();
            return a.size() >= count ? a : null;
        });
    }

    private static Set<String> field(List<JsonNode> nodes, String name) {
        Set<String> s = new HashSet<>();
        nodes.forEach(x -> s.add(x.path(name).asText()));
        return s;
    }

    @Test
    public void b_oneSignedGroupDeployReachesEveryMember() throws Exception {
        Path jar = Files.write(group.dir().resolve("nab-ae-7.7.0.jar"), TestModels.version("nab-ae-group", "7.7.0"));
        Map<String, Object> c =
                group.command("deploy", jar.toUri().toString(), GatewayGroup.sha256(Files.readAllBytes(jar)));
        // the members subscribe asynchronously; by now their pipelines answer, so their commands are subscribed
        watcher.publish("edgeai/group/site/cmd/deploy", MAPPER.writeValueAsBytes(c), 1, false);
        List<JsonNode> a = answers((String) c.get("nonce"), 3);
        assertEquals(Set.of("gw-1", "gw-2", "gw-3"), field(a, "gateway"));
        for (JsonNode x : a) {
            assertEquals(x.toString(), "ok", x.path("status").asText());
            assertEquals(x.toString(), "7.7.0", x.path("version").asText());
            assertEquals(x.toString(), "ACTIVE", x.path("modelStatus").asText());
        }
    }

    /**
     * Live readings for the canary's shadow comparison: 24 devices ({@code sensors/canary-<d>/temp}, so every
     * member owns some) at 20 rounds per second, a smooth signal with increasing {@code ts}.
     */
    private static synchronized void startCanaryTraffic() throws Exception {
        if (canaryTraffic != null) {
            return;
        }
        canaryPub = group.publisher("scale-canary-pub");
        canaryTraffic = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger round = new AtomicInteger();
        canaryTraffic.scheduleAtFixedRate(
                () -> {
                    int r = round.getAndIncrement();
                    long ts = 1_600_000_000_000L + r * 1000L;
                    try {
                        for (int d = 0; d < 24; d++) {
                            GatewayGroup.publish(
                                    canaryPub,
                                    "sensors/canary-" + d + "/temp",
                                    ("{\"ts\":" + ts + ",\"value\":" + (20 + Math.sin(ts / 7000.0 + d)) + "}")
                                            .getBytes(StandardCharsets.UTF_8));
                        }
                    } catch (Exception e) {
                        System.out.println("canary traffic: " + e);
                    }
                },
                0,
                50,
                TimeUnit.MILLISECONDS);
        // the members' live windows are warm (results no longer warming up) before a canary compares on them
        Poll.until("warm results for canary traffic from all three members", BOOT, () -> {
            Set<String> warm = new HashSet<>();
            for (JsonNode r : anomalyResults) {
                if (r.path("device").asText().startsWith("canary-")
                        && !r.path("warmingUp").asBoolean(true)) {
                    warm.add(r.path("member").asText());
                }
            }
            return warm.containsAll(Set.of("gw-1", "gw-2", "gw-3")) ? true : null;
        });
    }

    private static synchronized void stopCanaryTraffic() throws Exception {
        if (canaryTraffic != null) {
            canaryTraffic.shutdownNow();
            canaryTraffic.awaitTermination(10, TimeUnit.SECONDS);
            canaryTraffic = null;
            canaryPub.disconnect().waitForCompletion(5000);
            canaryPub.close();
        }
    }

    /** @return the version of nab-ae each member's retained model status says serves */
    private static Map<String, String> servingVersions() {
        Map<String, String> out = new HashMap<>();
        modelStates.forEach((gw, s) -> s.path("models").forEach(m -> {
            if (m.path("name").asText().equals("nab-ae")
                    && m.path("status").asText().equals("ACTIVE")) {
                out.put(gw, m.path("version").asText());
            }
        }));
        return out;
    }

    private static boolean lists(String gateway, String version) {
        JsonNode s = modelStates.get(gateway);
        if (s == null) {
            return false;
        }
        for (JsonNode m : s.path("models")) {
            if (m.path("name").asText().equals("nab-ae")
                    && m.path("version").asText().equals(version)) {
                return true;
            }
        }
        return false;
    }

    private JsonNode verdict(String nonce) {
        return Poll.until(
                "the canary's verdict on " + nonce,
                Duration.ofSeconds(120),
                () -> verdicts.stream()
                        .filter(v -> v.path("nonce").asText().equals(nonce))
                        .findFirst()
                        .orElse(null));
    }

    private Map<String, Object> sendCanary(String version, byte[] jar) throws Exception {
        Path p = Files.write(group.dir().resolve("nab-ae-" + version + ".jar"), jar);
        Map<String, Object> c = group.command("canary-deploy", p.toUri().toString(), GatewayGroup.sha256(jar));
        watcher.publish("edgeai/group/site/cmd/canary-deploy", MAPPER.writeValueAsBytes(c), 1, false);
        return c;
    }

    @Test
    public void c_aCanaryWhoseShadowAgreesOnLiveTrafficLetsTheOthersFollow() throws Exception {
        startCanaryTraffic();
        // the same network and descriptor under a new version: it must agree with the serving one
        Map<String, Object> c = sendCanary("7.9.0", TestModels.version("nab-ae-group", "7.9.0"));
        List<JsonNode> a = answers((String) c.get("nonce"), 3);
        assertEquals(Set.of("gw-1", "gw-2", "gw-3"), field(a, "gateway"));
        assertEquals("every member names the same canary", 1, field(a, "canary").size());
        JsonNode canary = a.stream()
                .filter(x -> x.path("role").asText().equals("canary"))
                .findFirst()
                .orElseThrow();
        for (JsonNode x : a) {
            assertEquals(x.toString(), "ok", x.path("status").asText());
            assertEquals(x.toString(), "7.9.0", x.path("version").asText());
        }
        JsonNode verdict = verdict((String) c.get("nonce"));
        System.out.println("scale-out canary (agreeing): " + verdict);
        assertTrue(verdict.toString(), verdict.path("pass").asBoolean());
        assertTrue(verdict.toString(), verdict.path("reason").asText().startsWith("shadow comparison passed"));
        assertTrue(verdict.toString(), verdict.path("compared").asLong() >= 200);
        assertTrue(verdict.toString(), verdict.path("agreementPercent").asDouble() >= 99.0);
        assertEquals(canary.path("canary").asText(), verdict.path("canary").asText());
        // the canary scored 7.9.0 in shadow before it served
        String gw = verdict.path("gateway").asText();
        Poll.until("shadow and promoted events of 7.9.0 on " + gw, Duration.ofSeconds(30), () -> {
            List<String> seen = modelEvents.stream()
                    .filter(e -> e.path("gateway").asText().equals(gw)
                            && e.path("version").asText().equals("7.9.0"))
                    .map(e -> e.path("event").asText())
                    .toList();
            return seen.contains("shadow")
                            && seen.contains("promoted")
                            && seen.indexOf("shadow") < seen.indexOf("promoted")
                    ? true
                    : null;
        });
        Poll.until(
                "7.9.0 serves on every member",
                Duration.ofSeconds(60),
                () -> servingVersions().equals(Map.of("gw-1", "7.9.0", "gw-2", "7.9.0", "gw-3", "7.9.0"))
                        ? true
                        : null);
    }

    @Test
    public void d_aCanaryWhoseShadowDisagreesStopsTheRolloutAndNothingChanges() throws Exception {
        startCanaryTraffic();
        // same network, other scoring parameters (they travel with the model version): its scores differ on the
        // same readings, it alarms on every rise of the error
        String d = TestModels.withVersion(TestModels.descriptor(), "8.1.0");
        d = TestModels.withProperty(d, "likelihood.learning.rows", "5");
        d = TestModels.withProperty(d, "likelihood.history.rows", "2");
        d = TestModels.withProperty(d, "likelihood.reestimate.rows", "1");
        d = TestModels.withProperty(d, "likelihood.log.scale", "0.01");
        d = TestModels.withProperty(d, "error.tail", "1");
        Map<String, Object> c = sendCanary("8.1.0", TestModels.signed("nab-ae-group", "8.1.0", d));
        List<JsonNode> a = answers((String) c.get("nonce"), 3);
        JsonNode verdict = verdict((String) c.get("nonce"));
        System.out.println("scale-out canary (disagreeing): " + verdict);
        assertFalse(verdict.toString(), verdict.path("pass").asBoolean(true));
        assertTrue(verdict.toString(), verdict.path("compared").asLong() >= 200);
        String reason = verdict.path("reason").asText();
        assertTrue(reason, reason.startsWith("agreement ") || reason.startsWith("largest score difference "));
        JsonNode canary = a.stream()
                .filter(x -> x.path("role").asText().equals("canary"))
                .findFirst()
                .orElseThrow();
        assertEquals(canary.toString(), "failed", canary.path("status").asText());
        assertEquals(canary.toString(), reason, canary.path("reason").asText());
        assertEquals(canary.toString(), "7.9.0", canary.path("version").asText());
        assertFollowersSkipped(a, canary, reason);
        assertNothingChanged(verdict.path("gateway").asText(), "8.1.0");
    }

    @Test
    public void e_aStarvedCanaryTimesOutAndNothingChanges() throws Exception {
        stopCanaryTraffic();
        Map<String, Object> c = sendCanary("8.2.0", TestModels.version("nab-ae-group", "8.2.0"));
        List<JsonNode> a = answers((String) c.get("nonce"), 3);
        JsonNode verdict = verdict((String) c.get("nonce"));
        System.out.println("scale-out canary (no traffic): " + verdict);
        assertFalse(verdict.toString(), verdict.path("pass").asBoolean(true));
        String reason = verdict.path("reason").asText();
        assertTrue(
                reason,
                reason.startsWith("timeout: only ")
                        && reason.contains("of 200 readings compared within " + GatewayGroup.CANARY_SOAK_SECONDS)
                        && reason.endsWith("(not enough live traffic for this model on the canary)"));
        JsonNode canary = a.stream()
                .filter(x -> x.path("role").asText().equals("canary"))
                .findFirst()
                .orElseThrow();
        assertEquals(canary.toString(), "failed", canary.path("status").asText());
        assertFollowersSkipped(a, canary, reason);
        assertNothingChanged(verdict.path("gateway").asText(), "8.2.0");
    }

    /** Texts for a text model's canary, sent round-robin. */
    private static final List<String> CANARY_TEXTS = List.of(
            "turn on the lights in the kitchen",
            "switch the light off please",
            "will it rain tomorrow",
            "play my playlist",
            "how warm is it outside",
            "lights off in the bedroom",
            "put on a song",
            "what is the capital of australia");

    /**
     * Live texts for a text model's canary: 40 per second, round-robin over {@link #CANARY_TEXTS}, through the
     * text pipelines' shared subscription, so the canary answers about a third of them.
     */
    private static final class TextTraffic implements AutoCloseable {
        private final MqttAsyncClient pub;
        private final ScheduledExecutorService texts = Executors.newSingleThreadScheduledExecutor();

        TextTraffic(String clientId) throws Exception {
            pub = group.publisher(clientId);
            AtomicInteger sent = new AtomicInteger();
            texts.scheduleAtFixedRate(
                    () -> {
                        int i = sent.getAndIncrement();
                        try {
                            GatewayGroup.publish(
                                    pub,
                                    "home/canary" + (i % 6) + "/voice",
                                    ("{\"text\":\"" + CANARY_TEXTS.get(i % CANARY_TEXTS.size()) + "\"}")
                                            .getBytes(StandardCharsets.UTF_8));
                        } catch (Exception e) {
                            System.out.println("text canary traffic: " + e);
                        }
                    },
                    0,
                    25,
                    TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws MqttException {
            texts.shutdownNow();
            try {
                texts.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pub.disconnect().waitForCompletion(5000);
            pub.close();
        }
    }

    @Test
    @SuppressWarnings("try") // the traffic runs in the background while it is open, never referenced
    public void f_bATextEncoderCanaryComparesIntentsOnLiveTextsAndLetsTheOthersFollow() throws Exception {
        try (TextTraffic traffic = new TextTraffic("scale-text-canary-pub")) {
            // the shipped encoder under a new version: its intents must agree with the serving one's
            byte[] jar = TestModels.encoderVersion("minilm-group", "1.1.0");
            Path p = Files.write(group.dir().resolve("minilm-1.1.0.jar"), jar);
            Map<String, Object> c = group.command("canary-deploy", p.toUri().toString(), GatewayGroup.sha256(jar));
            watcher.publish("edgeai/group/site/cmd/canary-deploy", MAPPER.writeValueAsBytes(c), 1, false);
            JsonNode verdict = verdict((String) c.get("nonce"));
            System.out.println("scale-out canary (text encoder): " + verdict);
            assertEquals(
                    verdict.toString(),
                    "all-minilm-l6-v2-q",
                    verdict.path("model").asText());
            assertTrue(verdict.toString(), verdict.path("pass").asBoolean());
            assertTrue(verdict.toString(), verdict.path("reason").asText().startsWith("shadow comparison passed"));
            assertTrue(verdict.toString(), verdict.path("compared").asLong() >= 200);
            assertTrue(verdict.toString(), verdict.path("agreementPercent").asDouble() >= 99.0);
            for (JsonNode x : answers((String) c.get("nonce"), 3)) {
                assertEquals(x.toString(), "ok", x.path("status").asText());
                assertEquals(x.toString(), "1.1.0", x.path("version").asText());
            }
            Poll.until(
                    "texts answered by all-minilm-l6-v2-q@1.1.0",
                    Duration.ofSeconds(60),
                    () -> textResults.stream()
                                    .anyMatch(r -> r.path("model").asText().equals("all-minilm-l6-v2-q@1.1.0"))
                            ? true
                            : null);
        }
    }

    @Test
    @SuppressWarnings("try") // the traffic runs in the background while it is open, never referenced
    public void f_cATextEncoderCanaryWhoseConfidencesDifferStopsTheRollout() throws Exception {
        try (TextTraffic traffic = new TextTraffic("scale-text-canary-pub2")) {
            // MiniLM fine-tuned on CLINC150 posing as a new version of the serving encoder: other embeddings, so
            // the few-shot intents' confidences differ (measured: every intent agreed, the largest difference was 0.54)
            byte[] jar =
                    TestModels.encoderAs("edgeai.finetuned.encoder.jar", "all-minilm-l6-v2-q", "minilm-group", "2.0.0");
            Path p = Files.write(group.dir().resolve("minilm-2.0.0.jar"), jar);
            Map<String, Object> c = group.command("canary-deploy", p.toUri().toString(), GatewayGroup.sha256(jar));
            watcher.publish("edgeai/group/site/cmd/canary-deploy", MAPPER.writeValueAsBytes(c), 1, false);
            List<JsonNode> a = answers((String) c.get("nonce"), 3);
            JsonNode verdict = verdict((String) c.get("nonce"));
            System.out.println("scale-out canary (text encoder, disagreeing): " + verdict);
            assertFalse(verdict.toString(), verdict.path("pass").asBoolean(true));
            String reason = verdict.path("reason").asText();
            assertTrue(reason, reason.startsWith("agreement ") || reason.startsWith("largest score difference "));
            JsonNode canary = a.stream()
                    .filter(x -> x.path("role").asText().equals("canary"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(canary.toString(), "failed", canary.path("status").asText());
            assertEquals(canary.toString(), "1.1.0", canary.path("version").asText());
            assertFollowersSkipped(a, canary, reason);
            String gw = verdict.path("gateway").asText();
            Poll.until("the canary " + gw + " dropped encoder 2.0.0", Duration.ofSeconds(30), () -> {
                for (JsonNode m : modelStates.get(gw).path("models")) {
                    if (m.path("name").asText().equals("all-minilm-l6-v2-q")
                            && m.path("version").asText().equals("2.0.0")) {
                        return null;
                    }
                }
                return true;
            });
            int from = textResults.size();
            Poll.until(
                    "texts still answered by all-minilm-l6-v2-q@1.1.0",
                    Duration.ofSeconds(30),
                    () -> textResults.subList(from, textResults.size()).stream()
                                    .anyMatch(r -> r.path("model").asText().equals("all-minilm-l6-v2-q@1.1.0"))
                            ? true
                            : null);
        }
    }

    private static void assertFollowersSkipped(List<JsonNode> a, JsonNode canary, String reason) {
        List<JsonNode> followers = a.stream()
                .filter(x -> x.path("role").asText().equals("follower"))
                .toList();
        assertEquals(2, followers.size());
        for (JsonNode f : followers) {
            assertEquals(f.toString(), "skipped", f.path("status").asText());
            assertEquals(
                    f.toString(),
                    "canary " + canary.path("canary").asText() + " failed: " + reason,
                    f.path("reason").asText());
            assertTrue("a follower did not deploy: " + f, f.path("version").isMissingNode());
        }
    }

    /** Every member still serves 7.9.0 and none keeps the refused candidate installed. */
    private static void assertNothingChanged(String canary, String candidate) {
        Poll.until(
                "the canary " + canary + " dropped " + candidate,
                Duration.ofSeconds(30),
                () -> lists(canary, candidate) ? null : true);
        assertEquals(Map.of("gw-1", "7.9.0", "gw-2", "7.9.0", "gw-3", "7.9.0"), servingVersions());
        for (String gw : List.of("gw-1", "gw-2", "gw-3")) {
            assertFalse(gw + " lists " + candidate + ": " + modelStates.get(gw), lists(gw, candidate));
        }
    }

    @Test
    public void f_aCanaryWhoseModelIsRefusedStopsTheRollout() throws Exception {
        // an unsigned model: the canary's model runtime refuses it (secure mode), so the canary fails
        Map<String, Object> c = sendCanary(
                "8.0.0",
                TestModels.bundle(
                        "nab-ae-group",
                        "8.0.0",
                        TestModels.withVersion(TestModels.descriptor(), "8.0.0"),
                        TestModels.onnx(),
                        null));
        List<JsonNode> a = answers((String) c.get("nonce"), 3);
        JsonNode canary = a.stream()
                .filter(x -> x.path("role").asText().equals("canary"))
                .findFirst()
                .orElseThrow();
        assertEquals(canary.toString(), "refused", canary.path("status").asText());
        assertTrue(canary.toString(), canary.path("reason").asText().contains("unsigned"));
        assertFollowersSkipped(a, canary, canary.path("reason").asText());
        assertNothingChanged(canary.path("canary").asText(), "8.0.0");
    }

    @Test
    public void g_aGracefullyStoppedMemberTakesNoShareTheOthersAnswerEveryInput() throws Exception {
        // an operator stops gw-2: its text pipeline leaves the shared subscription (the broker acknowledges),
        // finishes what it holds, then the connection closes; its persistent session stays on the broker
        group.gateways.get(1).stop(Duration.ofSeconds(60));
        Poll.until(
                "gw-2 offline",
                Duration.ofSeconds(30),
                () -> "offline".equals(status.get("gw-2").path("status").asText()) ? true : null);
        MqttAsyncClient pub = group.publisher("scale-leave-pub");
        try {
            textResults.clear();
            int n = 200;
            for (int i = 0; i < n; i++) {
                GatewayGroup.publish(
                        pub,
                        "home/room" + (i % 10) + "/voice",
                        ("{\"text\":\"after gw-2 left number " + i + "\"}").getBytes(StandardCharsets.UTF_8));
            }
            // without leaving the share, about a third of these would wait in gw-2's offline session
            Poll.until(
                    "a result for each of " + n + " inputs from gw-1 and gw-3",
                    Duration.ofSeconds(60),
                    () -> textResults.stream()
                                            .filter(r -> r.path("text").asText().startsWith("after gw-2 left number "))
                                            .count()
                                    >= n
                            ? true
                            : null);
            Map<String, Integer> perInput = new HashMap<>();
            for (JsonNode r : textResults) {
                if (r.path("text").asText().startsWith("after gw-2 left number ")) {
                    perInput.merge(r.path("text").asText(), 1, Integer::sum);
                }
            }
            for (int i = 0; i < n; i++) {
                assertEquals("results for input " + i, Integer.valueOf(1), perInput.get("after gw-2 left number " + i));
            }
        } finally {
            pub.disconnect().waitForCompletion(5000);
            pub.close();
        }
    }

    @Test
    public void h_aKilledMembersTopicsMoveAndNoInputIsLost() throws Exception {
        int devices = 24;
        MqttAsyncClient pub = group.publisher("scale-anomaly-pub");
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        Set<String> sent = ConcurrentHashMap.newKeySet();
        AtomicInteger round = new AtomicInteger();
        long base = 1_700_000_000_000L;
        try {
            // every live member's anomaly pipeline answers before the stream starts (gw-2 was stopped before)
            long[] last = {0};
            Poll.until("results from gw-1 and gw-3", BOOT, () -> {
                if (System.nanoTime() - last[0] < 200_000_000L) {
                    return null;
                }
                last[0] = System.nanoTime();
                publishRound(pub, devices, base - 1_000_000L + round.getAndIncrement() * 1000L, null);
                return field(anomalyResults, "member").containsAll(Set.of("gw-1", "gw-3")) ? true : null;
            });
            anomalyResults.clear();
            round.set(0);
            int rounds = 240; // 20 rounds/s: 12 s of readings, the kill after 4 s
            pacer.scheduleAtFixedRate(
                    () -> {
                        int r = round.getAndIncrement();
                        if (r < rounds) {
                            publishRound(pub, devices, base + r * 1000L, sent);
                        }
                    },
                    0,
                    50,
                    TimeUnit.MILLISECONDS);
            Poll.until("80 rounds sent", Duration.ofSeconds(60), () -> round.get() >= 80 ? true : null);
            Set<String> victims = new HashSet<>();
            for (JsonNode r : anomalyResults) {
                if (r.path("member").asText().equals("gw-3")) {
                    victims.add(r.path("device").asText());
                }
            }
            assertFalse("gw-3 owned some devices", victims.isEmpty());
            GatewayProcess dead = group.gateways.get(2);
            dead.kill();
            long killedAt = System.nanoTime();
            Poll.until("all rounds sent", Duration.ofSeconds(60), () -> round.get() >= rounds ? true : null);
            // every input gets a result: from its owner, or replayed by the member that took its topic over
            Poll.until("a result for every one of " + sent.size() + " inputs", Duration.ofSeconds(90), () -> {
                Set<String> answered = new HashSet<>();
                anomalyResults.forEach(r -> answered.add(
                        r.path("device").asText() + "@" + r.path("ts").asText()));
                return answered.containsAll(sent) ? true : null;
            });
            double takeoverSeconds = -1;
            for (String device : victims) {
                JsonNode first = Poll.until(
                        "takeover of " + device,
                        Duration.ofSeconds(30),
                        () -> anomalyResults.stream()
                                .filter(r -> r.path("device").asText().equals(device)
                                        && r.path("ownerChanged").asBoolean(false))
                                .findFirst()
                                .orElse(null));
                assertEquals(first.toString(), "gw-1", first.path("member").asText());
                assertTrue(
                        "the new owner's window warms up again: " + first,
                        first.path("warmingUp").asBoolean());
            }
            takeoverSeconds = (System.nanoTime() - killedAt) / 1e9;
            Map<String, Integer> perInput = new HashMap<>();
            Map<String, List<JsonNode>> byInput = new HashMap<>();
            for (JsonNode r : anomalyResults) {
                String id = r.path("device").asText() + "@" + r.path("ts").asText();
                perInput.merge(id, 1, Integer::sum);
                byInput.computeIfAbsent(id, k -> new ArrayList<>()).add(r);
            }
            long duplicates = perInput.values().stream().filter(v -> v > 1).count();
            for (var e : byInput.entrySet()) {
                if (e.getValue().size() > 1) {
                    assertTrue(
                            "a second result of an input is a replay: " + e.getValue(),
                            e.getValue().stream()
                                    .anyMatch(r -> r.path("replayed").asBoolean(false)));
                }
            }
            for (JsonNode r : anomalyResults) {
                if (r.path("device").asText().startsWith("dev-")
                        && !victims.contains(r.path("device").asText())) {
                    assertFalse(
                            "topics of live members do not move: " + r,
                            r.path("ownerChanged").asBoolean(false));
                }
            }
            long replayed = anomalyResults.stream()
                    .filter(r -> r.path("replayed").asBoolean(false))
                    .count();
            System.out.printf(
                    "scale-out kill: %d inputs, %d devices moved, %d replayed results, %d inputs with a"
                            + " duplicate, takeovers seen %.1f s after the kill%n",
                    sent.size(), victims.size(), replayed, duplicates, takeoverSeconds);
        } finally {
            pacer.shutdownNow();
            pub.disconnect().waitForCompletion(5000);
            pub.close();
        }
    }

    private static void publishRound(MqttAsyncClient pub, int devices, long ts, Set<String> sent) {
        try {
            for (int d = 0; d < devices; d++) {
                double v = 20 + Math.sin(ts / 7000.0 + d);
                GatewayGroup.publish(
                        pub,
                        "sensors/dev-" + d + "/temp",
                        ("{\"ts\":" + ts + ",\"value\":" + v + "}").getBytes(StandardCharsets.UTF_8));
                if (sent != null) {
                    sent.add("dev-" + d + "@" + ts);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
