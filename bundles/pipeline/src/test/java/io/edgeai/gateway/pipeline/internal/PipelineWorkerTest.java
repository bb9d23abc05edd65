package io.edgeai.gateway.pipeline.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.PipelineStatus;
import io.edgeai.gateway.mqtt.internal.ConnectionSettings;
import io.edgeai.gateway.mqtt.internal.PahoConnection;
import io.edgeai.gateway.onnx.internal.OrtModelRunner;
import io.edgeai.gateway.testing.Mosquitto;

/** The whole pipeline on plain Java: real mosquitto, real Paho, the committed model in ONNX Runtime. */
class PipelineWorkerTest {
    static final Path MODEL = Path.of("../models/anomaly-ae/src/main/resources/model/model.json");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Mosquitto broker;
    private OrtModelRunner model;
    private PahoConnection gateway;
    private PahoConnection device;
    private PipelineWorker worker;
    private final List<JsonNode> results = new CopyOnWriteArrayList<>();
    private final List<JsonNode> alarms = new CopyOnWriteArrayList<>();
    private final Map<String, JsonNode> deadLetters = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        broker = Mosquitto.startOnFreePort();
        model = OrtModelRunner.load(MODEL);
        gateway = new PahoConnection(ConnectionSettings.of("gw", broker.uri(), "edgeai-gw-test"));
        device = new PahoConnection(ConnectionSettings.of("dev", broker.uri(), "edgeai-device-test"));
        device.subscribe("edgeai/#", 1, m -> {
            JsonNode n = parse(m.payload());
            if (m.topic().startsWith("edgeai/anomaly/")) {
                results.add(n);
            } else if (m.topic().startsWith("edgeai/alarm/")) {
                alarms.add(n);
            } else if (m.topic().startsWith("edgeai/deadletter/")) {
                deadLetters.put(n.get("code").asText(), n);
            }
        });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> gateway.status().state() == ConnectionState.CONNECTED
                        && device.status().state() == ConnectionState.CONNECTED);
        worker = new PipelineWorker(TestSettings.defaults("test"), gateway, () -> model);
        worker.start();
    }

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.stop();
        }
        device.close();
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

    private void send(String topic, String payload) {
        device.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    /**
     * A daily sine sampled every 5 minutes with bounded (uniform) noise, so its range is fully seen during
     * the first days, and a level shift of +40 for 24 readings at {@code spikeAt}.
     */
    private static List<Double> series(int n, int spikeAt) {
        Random rnd = new Random(7);
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double x = 50 + 10 * Math.sin(2 * Math.PI * i / 288.0) + (2 * rnd.nextDouble() - 1);
            if (i >= spikeAt && i < spikeAt + 24) {
                x += 40;
            }
            v.add(x);
        }
        return v;
    }

    @Test
    void scoresEveryReadingRaisesOneAlarmOnTheAnomalyAndReturnsToNormal() {
        int n = 3600;
        int spikeAt = 3000;
        List<Double> values = series(n, spikeAt);
        LocalDateTime t0 = LocalDateTime.of(2014, 4, 1, 0, 0);
        for (int i = 0; i < n; i++) {
            send(
                    "sensors/pump-1/temperature",
                    "{\"ts\":\"" + t0.plusMinutes(5L * i) + "\",\"value\":" + values.get(i) + "}");
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> results.size() >= n);
        await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> results.size() == n);

        JsonNode first = results.get(0);
        for (String f : List.of("device", "quantity", "ts", "value", "score", "anomaly", "model", "warmingUp")) {
            assertTrue(first.has(f), "result lacks " + f + ": " + first);
        }
        assertEquals("pump-1", first.get("device").asText());
        assertEquals("temperature", first.get("quantity").asText());
        assertEquals(model.info().id(), first.get("model").asText());
        assertTrue(first.get("warmingUp").asBoolean(), "a new series warms up first");
        for (JsonNode r : results) {
            double s = r.get("score").asDouble();
            assertTrue(s >= 0 && s <= 1, "score out of 0..1: " + r);
        }
        // results keep the per-series order, so index i is reading i
        int firstAlarm = -1;
        int backToNormal = -1;
        for (int i = 0; i < n; i++) {
            String ev = results.get(i).path("event").asText("");
            if (ev.equals("alarm") && firstAlarm < 0) {
                firstAlarm = i;
            } else if (ev.equals("normal") && firstAlarm >= 0 && backToNormal < 0) {
                backToNormal = i;
            }
        }
        assertTrue(
                firstAlarm >= spikeAt && firstAlarm < spikeAt + 24,
                "first alarm at reading " + firstAlarm + ", the anomaly spans " + spikeAt + ".." + (spikeAt + 23));
        assertTrue(backToNormal > firstAlarm, "no back-to-normal event after the alarm");
        assertFalse(results.get(n - 1).get("anomaly").asBoolean(), "alarm still on at the end");
        await().atMost(Duration.ofSeconds(5)).until(() -> alarms.size() >= 2);
        assertEquals("alarm", alarms.get(0).get("event").asText());

        PipelineStatus st = worker.status("anomaly", "gw");
        assertEquals(n, st.received());
        assertEquals(n, st.published());
        assertEquals(0, st.rejected());
        assertEquals(1, st.keys());
        assertEquals(0, st.alarmsActive());
        assertTrue(st.latencyP50Micros() > 0);
    }

    @Test
    void badInputGoesToTheDeadLetterTopicAndThePipelineKeepsGoing() {
        // both subscriptions are made asynchronously: probe until a reading comes back as a result
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            send("sensors/probe/x", "1.0");
            return !results.isEmpty();
        });
        send("sensors/d1/temp", "not json at all");
        send("sensors/d1/temp", "{\"ts\":\"2014-02-14T14:30:00\"}");
        send("sensors/d1/temp", "{\"value\":\"hot\"}");
        send("sensors/d1/temp", "{\"value\":NaN}");
        send("sensors/d1/temp", "{\"value\":1e999}");
        device.publish("sensors/d1/temp", new byte[10 * 1024 * 1024], 1, false);
        send("sensors/d1/temp", "{\"ts\":\"2014-02-14T14:30:00\",\"value\":21.5}");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> deadLetters.size() >= 5
                        && results.stream()
                                .anyMatch(r -> r.get("device").asText().equals("d1")));
        assertEquals(
                Map.of("not-json", 1, "missing-field", 1, "wrong-type", 1, "not-finite", 1, "oversize", 1)
                        .keySet(),
                deadLetters.keySet());
        JsonNode oversize = deadLetters.get("oversize");
        assertEquals("sensors/d1/temp", oversize.get("topic").asText());
        assertEquals(10 * 1024 * 1024, oversize.get("payloadBytes").asInt());
        assertTrue(oversize.get("reason").asText().contains("exceeds the limit"));
        List<JsonNode> d1 = results.stream()
                .filter(r -> r.get("device").asText().equals("d1"))
                .toList();
        assertEquals(1, d1.size());
        assertEquals(21.5, d1.get(0).get("value").asDouble());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> worker.status("anomaly", "gw").rejected() == 6);
        assertEquals(results.size(), worker.status("anomaly", "gw").published());
    }

    @Test
    void aChangedTopicAndThresholdApplyLive() {
        PipelineSettings d = TestSettings.defaults("test");
        PipelineSettings moved = TestSettings.of(
                "test",
                "plant/+/+",
                1,
                "edgeai/anomaly",
                1,
                "edgeai/alarm",
                "edgeai/deadletter",
                "value",
                "ts",
                d.maxPayloadBytes(),
                d.queueCapacity(),
                false,
                d.maxSeries(),
                0.99,
                0.5,
                1,
                12,
                "");
        worker.update(moved);
        // the new subscription is made asynchronously and a clean session drops what comes before it: probe
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    send("plant/probe/speed", "1.0");
                    return results.stream()
                            .anyMatch(r -> r.get("device").asText().equals("probe"));
                });
        send("sensors/a/b", "1.0");
        send("plant/m1/speed", "2.0");
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        results.stream().anyMatch(r -> r.get("device").asText().equals("m1")));
        // one publisher, one subscription callback thread: a result for the old topic would have come first
        assertTrue(
                results.stream().noneMatch(r -> r.get("device").asText().equals("a")),
                "only the new topic is subscribed");
        assertEquals(0.99, worker.settings().threshold());
    }

    private static PipelineSettings format(String inputTopic, String format, int maxWindow) {
        PipelineSettings d = TestSettings.defaults("test");
        return new PipelineSettings(
                "test",
                inputTopic,
                1,
                "edgeai/anomaly",
                1,
                "edgeai/alarm",
                "edgeai/deadletter",
                "value",
                "ts",
                d.maxPayloadBytes(),
                d.queueCapacity(),
                false,
                d.maxSeries(),
                -1,
                -1,
                1,
                12,
                format,
                10,
                maxWindow,
                "",
                false,
                "",
                d.seriesMemoryMegabytes(),
                d.seriesIdleSeconds(),
                d.seriesHeapPercent());
    }

    @Test
    void senmlPacksBecomeOneSeriesPerNameAndAreMeasured() {
        worker.update(format("senml/+", "senml", 1024));
        // probe until the new subscription is in place, then count from a clean slate
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            send("senml/probe", "[{\"n\":\"p\",\"v\":1}]");
            return !results.isEmpty();
        });
        results.clear();
        send(
                "senml/dev-9",
                "[{\"bn\":\"dev-9:\",\"bt\":1.7e9,\"n\":\"temp\",\"v\":21.5},"
                        + "{\"n\":\"hum\",\"v\":40},{\"n\":\"temp\",\"t\":60,\"v\":21.7},{\"n\":\"door\",\"vb\":true}]");
        send("senml/dev-9", "{\"not\":\"a pack\"}");
        // (late probe results may still arrive: look at dev-9's only)
        java.util.function.Supplier<List<JsonNode>> dev9 = () -> results.stream()
                .filter(r -> r.get("device").asText().equals("dev-9"))
                .toList();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> dev9.get().size() >= 3 && deadLetters.containsKey("wrong-type"));
        assertEquals(
                List.of("dev-9:temp", "dev-9:hum", "dev-9:temp"),
                dev9.get().stream().map(r -> r.get("quantity").asText()).toList());
        assertEquals("2023-11-14T22:14:20Z", dev9.get().get(2).get("ts").asText());
        // two series for dev-9 (temp, hum) plus the probe's
        assertEquals(3, worker.status("anomaly", "gw").keys());
        assertEquals(1L, worker.rejectedByCode().get("wrong-type"));
        assertTrue(worker.stageLatencies().get("decode").count() >= 2);
        assertTrue(worker.stageLatencies().get("total").count() >= 3);
    }

    @Test
    void sparkplugBirthAndAliasedDataAreScored() {
        worker.update(format("spBv1.0/plant-1/#", "sparkplug-b", 1024));
        org.eclipse.tahu.protobuf.SparkplugBProto.Payload birth =
                org.eclipse.tahu.protobuf.SparkplugBProto.Payload.newBuilder()
                        .setTimestamp(1_700_000_000_000L)
                        .setSeq(0)
                        .addMetrics(org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric.newBuilder()
                                .setName("Temperature")
                                .setAlias(5)
                                .setDatatype(10)
                                .setDoubleValue(20.0))
                        .build();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            device.publish("spBv1.0/plant-1/NBIRTH/edge-1", birth.toByteArray(), 1, false);
            return !results.isEmpty();
        });
        results.clear();
        org.eclipse.tahu.protobuf.SparkplugBProto.Payload data =
                org.eclipse.tahu.protobuf.SparkplugBProto.Payload.newBuilder()
                        .setTimestamp(1_700_000_060_000L)
                        .setSeq(1)
                        .addMetrics(org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric.newBuilder()
                                .setAlias(5)
                                .setDatatype(10)
                                .setDoubleValue(20.5))
                        .build();
        device.publish("spBv1.0/plant-1/NDATA/edge-1", data.toByteArray(), 1, false);
        // the data message names its metric by alias only; late birth probes (20.0) may arrive too
        JsonNode fromData = await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> results.stream()
                                .filter(r -> r.get("ts").asText().equals("2023-11-14T22:14:20Z"))
                                .findFirst()
                                .orElse(null),
                        java.util.Objects::nonNull);
        assertEquals("edge-1", fromData.get("device").asText());
        assertEquals("Temperature", fromData.get("quantity").asText());
        assertEquals(20.5, fromData.get("value").asDouble());
    }

    @Test
    void aModelWindowAboveTheLimitIsRefusedWithAReason() {
        worker.update(format("sensors/+/+", "json", 8));
        // the subscription is made asynchronously: send until the first refusal comes back
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    send("sensors/x/y", "1.0");
                    return deadLetters.containsKey("window-too-large");
                });
        assertTrue(deadLetters.get("window-too-large").get("reason").asText().contains("maxWindow 8"));
        assertEquals(0, worker.status("anomaly", "gw").published());
    }

    /**
     * A flood against a worker whose model is held back: the ingest queue stays at its bound, and every
     * input is accounted for (published, dropped or held back at the broker until there is room).
     */
    private PipelineStatus flood(String policy, int sent) throws Exception {
        worker.stop();
        worker = null;
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        PipelineWorker w =
                new PipelineWorker(TestSettings.withIntake(TestSettings.defaults("flood"), policy, 10), gateway, () -> {
                    try {
                        if (Thread.currentThread().getName().startsWith("edgeai-pipeline-")) {
                            release.await(); // only the worker waits; status() asks for the model too
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return model;
                });
        worker = w;
        w.start();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    send("sensors/probe/p", "1.0");
                    return w.status("anomaly", "gw").received() > 0;
                });
        long probes = w.status("anomaly", "gw").received();
        for (int i = 0; i < sent; i++) {
            send("sensors/flood/v", Integer.toString(i));
        }
        if (policy.equals("hold-acks")) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> w.status("anomaly", "gw").held() > 0);
            PipelineStatus blocked = w.status("anomaly", "gw");
            assertTrue(blocked.received() <= 12 + probes, "intake stopped at the queue bound: " + blocked);
            assertEquals(0, blocked.dropped());
        } else {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> w.status("anomaly", "gw").received() >= sent + probes);
        }
        assertTrue(w.status("anomaly", "gw").queueDepth() <= 10);
        release.countDown();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            PipelineStatus st = w.status("anomaly", "gw");
            return st.received() >= sent + probes
                    && st.queueDepth() == 0
                    && st.published() + st.dropped() + st.rejected() == st.received();
        });
        PipelineStatus st = w.status("anomaly", "gw");
        assertEquals(policy, st.overflowPolicy());
        // every input acknowledged: published, or dropped (counted) by the policy
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.status().unacknowledged() == 0);
        return st;
    }

    @Test
    void aFloodWithDropNewestKeepsTheQueueBoundedAndCountsEveryDrop() throws Exception {
        PipelineStatus st = flood("drop-newest", 500);
        assertTrue(st.dropped() >= 500 - 12, "dropped " + st.dropped());
        assertEquals(0, st.held());
    }

    @Test
    void aFloodWithDropOldestKeepsTheNewestReadings() throws Exception {
        PipelineStatus st = flood("drop-oldest", 500);
        assertTrue(st.dropped() >= 500 - 12, "dropped " + st.dropped());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> results.stream()
                        .anyMatch(r -> r.get("device").asText().equals("flood")
                                && r.get("value").asInt() == 499));
    }

    @Test
    void aFloodWithHoldAcksLosesNothingTheBrokerHoldsTheRest() throws Exception {
        PipelineStatus st = flood("hold-acks", 500);
        assertEquals(0, st.dropped());
        assertTrue(st.held() > 0);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> results.stream()
                                .filter(r -> r.get("device").asText().equals("flood"))
                                .count()
                        == 500);
    }

    @Test
    void inputsAreAcknowledgedOnceTheirResultsAreStored() {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    send("sensors/ack/v", "1.0");
                    return !results.isEmpty();
                });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> gateway.status().unacknowledged() == 0
                        && gateway.status().received()
                                == worker.status("anomaly", "gw").received());
        assertTrue(worker.status("anomaly", "gw").published() > 0);
    }

    @Test
    void aRestartedWorkerTakesOverTheQueuedReadingsInOrder() throws Exception {
        worker.stop();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        PipelineWorker first = new PipelineWorker(TestSettings.defaults("first"), gateway, () -> {
            try {
                if (Thread.currentThread().getName().startsWith("edgeai-pipeline-")) {
                    release.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stop() while held: the reading in hand is scored
            }
            return model;
        });
        worker = first;
        first.start();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    send("sensors/probe/p", "1.0");
                    return first.status("anomaly", "gw").received() > 0;
                });
        for (int i = 0; i < 20; i++) {
            send("sensors/handover/v", "{\"ts\":" + (1000 + i) + ",\"value\":" + i + "}");
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> first.status("anomaly", "gw").queueDepth() >= 19);
        first.stop();
        PipelineWorker second = new PipelineWorker(TestSettings.defaults("second"), gateway, () -> model);
        second.adopt(first);
        worker = second;
        second.start();
        java.util.function.Supplier<List<Integer>> values = () -> results.stream()
                .filter(r -> r.get("device").asText().equals("handover"))
                .map(r -> r.get("value").asInt())
                .toList();
        await().atMost(Duration.ofSeconds(20)).until(() -> values.get().size() >= 20);
        assertEquals(
                java.util.stream.IntStream.range(0, 20).boxed().toList(),
                values.get().stream().distinct().toList());
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.status().unacknowledged() == 0);
    }

    @Test
    void aRestartedWorkerTakesOverTheReadingStoppedWithoutItsOutputAndTheOneItsIntakeHeld() throws Exception {
        worker.stop();
        PipelineSettings held = TestSettings.withIntake(TestSettings.defaults("held"), "hold-acks", 1);
        // the output connection is missing: the first reading waits in the worker, the next is queued, the third
        // is held by the intake on the callback thread
        PipelineWorker first = new PipelineWorker(held, gateway, () -> null, () -> model, () -> null);
        worker = first;
        first.start();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    send("sensors/probe/p", "1.0");
                    return first.status("anomaly", "gw").received() > 0;
                });
        for (int i = 0; i < 6; i++) {
            send("sensors/stall/v", "{\"ts\":" + (1000 + i) + ",\"value\":" + i + "}");
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> first.status("anomaly", "gw").held() > 0);
        first.stop();
        PipelineWorker second = new PipelineWorker(held, gateway, () -> model);
        second.adopt(first);
        worker = second;
        second.start();
        java.util.function.Supplier<List<Integer>> values = () -> results.stream()
                .filter(r -> r.get("device").asText().equals("stall"))
                .map(r -> r.get("value").asInt())
                .toList();
        // none was acknowledged without its result: each is scored once the output is there
        try {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> values.get().stream().distinct().count() == 6);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // the assertion below says which are missing
        }
        assertEquals(
                java.util.stream.IntStream.range(0, 6).boxed().toList(),
                values.get().stream().distinct().sorted().toList());
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.status().unacknowledged() == 0);
    }
}
