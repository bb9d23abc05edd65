package io.edgeai.gateway.pipeline.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.SeriesHistory;
import io.edgeai.gateway.api.UplinkStatus;
import io.edgeai.gateway.mqtt.internal.ConnectionSettings;
import io.edgeai.gateway.mqtt.internal.PahoConnection;
import io.edgeai.gateway.onnx.internal.OrtModelRunner;
import io.edgeai.gateway.pipeline.internal.uplink.UplinkSettings;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * The uplink policy on plain Java: a site broker and an uplink broker (two mosquittos), real Paho, the committed
 * model. The gateway's clock is the test's, so summary periods end when the test says.
 */
class UplinkPolicyTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long T0 = 1_700_000_010_000L;
    private static final long PERIOD = 60_000;

    private Mosquitto site;
    private Mosquitto cloud;
    private OrtModelRunner model;
    private PahoConnection gateway;
    private PahoConnection uplink;
    private PahoConnection device;
    private PahoConnection listener;
    private PipelineWorker worker;
    private final AtomicLong clock = new AtomicLong(T0);
    private final java.util.concurrent.atomic.AtomicBoolean probed = new java.util.concurrent.atomic.AtomicBoolean();
    private final List<JsonNode> results = new CopyOnWriteArrayList<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final List<JsonNode> evidence = new CopyOnWriteArrayList<>();
    private final List<JsonNode> summaries = new CopyOnWriteArrayList<>();
    private final List<String> cloudTopics = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        site = Mosquitto.startOnFreePort();
        cloud = Mosquitto.startOnFreePort();
        model = OrtModelRunner.load(PipelineWorkerTest.MODEL);
        gateway = new PahoConnection(ConnectionSettings.of("local", site.uri(), "edgeai-gw-site"));
        uplink = new PahoConnection(ConnectionSettings.of("uplink", cloud.uri(), "edgeai-gw-uplink"));
        device = new PahoConnection(ConnectionSettings.of("dev", site.uri(), "edgeai-device"));
        listener = new PahoConnection(ConnectionSettings.of("cloud", cloud.uri(), "edgeai-cloud"));
        device.subscribe("edgeai/anomaly/#", 1, m -> results.add(parse(m.payload())));
        listener.subscribe("#", 1, m -> {
            cloudTopics.add(m.topic());
            JsonNode n = parse(m.payload());
            if (m.topic().startsWith("edgeai/uplink/alarm/")) {
                events.add(n);
            } else if (m.topic().startsWith("edgeai/uplink/evidence/")) {
                evidence.add(n);
            } else if (m.topic().startsWith("edgeai/uplink/summary/")) {
                summaries.add(n);
            }
        });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> List.of(gateway, uplink, device, listener).stream()
                        .allMatch(c -> c.status().state() == ConnectionState.CONNECTED));
    }

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.stop();
        }
        for (PahoConnection c : List.of(device, listener, gateway, uplink)) {
            c.close();
        }
        model.close();
        site.close();
        cloud.close();
    }

    private static JsonNode parse(byte[] b) {
        try {
            return MAPPER.readTree(b);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private void startWorker(UplinkSettings up) {
        worker = new PipelineWorker(TestSettings.defaults("demo"), gateway, () -> model)
                .uplink(up, n -> n.equals("uplink") ? uplink : null, clock::get);
        worker.start();
        // the subscription is made in the background: a probe the pipeline rejects (not JSON, so no series is made
        // for it) comes back as a dead letter once it is there
        device.subscribe("edgeai/deadletter/#", 1, m -> probed.set(true));
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    device.publish("sensors/probe/value", "probe".getBytes(StandardCharsets.UTF_8), 1, false);
                    return probed.get();
                });
    }

    /** A daily sine every 5 minutes with bounded noise, and a level shift of +40 for 24 readings at spikeAt. */
    private static List<Double> series(int n, int spikeAt) {
        Random rnd = new Random(7);
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double x = 50 + 10 * Math.sin(2 * Math.PI * i / 288.0) + (2 * rnd.nextDouble() - 1);
            v.add(i >= spikeAt && i < spikeAt + 24 ? x + 40 : x);
        }
        return v;
    }

    private static final LocalDateTime START = LocalDateTime.of(2014, 4, 1, 0, 0);

    private void send(List<Double> values, int from, int to) {
        for (int i = from; i < to; i++) {
            String p = "{\"ts\":\"" + START.plusMinutes(5L * i) + "\",\"value\":" + values.get(i) + "}";
            device.publish("sensors/pump-1/temperature", p.getBytes(StandardCharsets.UTF_8), 1, false);
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> results.size() >= to);
    }

    private static long millis(int i) {
        return START.plusMinutes(5L * i).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    @Test
    void alarmsEvidenceAndSummariesGoUpWithTheReadingsFigures() {
        int n = 3600;
        int spikeAt = 3000;
        List<Double> values = series(n, spikeAt);
        startWorker(new UplinkSettings("uplink", "edgeai/uplink", 60, "pipeline", 500, 32, 32));
        long b1 = (T0 / PERIOD + 1) * PERIOD;
        // period 1: everything up to a few readings into the anomaly (the alarm is raised, not yet cleared)
        int cut = spikeAt + 5;
        send(values, 0, cut);
        await().atMost(Duration.ofSeconds(20)).until(() -> events.size() == 1);
        int alarmAt = -1;
        for (int i = 0; i < cut; i++) {
            if (results.get(i).path("event").asText("").equals("alarm")) {
                alarmAt = i;
                break;
            }
        }
        assertTrue(alarmAt >= spikeAt, "the anomaly raises an alarm on the local result topic");
        JsonNode raised = events.get(0);
        assertEquals("alarm", raised.get("event").asText());
        assertEquals(results.get(alarmAt), raised, "the uplink's alarm event is the alarm's result");
        // period 2 starts half a minute in; the alarm is cleared in it
        clock.set(b1 + 30_000);
        await().atMost(Duration.ofSeconds(20)).until(() -> summaries.size() == 1);
        send(values, cut, n);
        await().atMost(Duration.ofSeconds(20)).until(() -> events.size() == 2 && evidence.size() == 1);
        assertEquals("normal", events.get(1).get("event").asText());
        long b2 = b1 + PERIOD;
        clock.set(b2 + 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> summaries.size() == 2);

        // summaries: one message per period, figures equal to the readings'
        checkSummary(summaries.get(0), values, 0, cut, T0, b1, b1 - T0);
        checkSummary(summaries.get(1), values, cut, n, b1, b2, 30_000);
        double maxScore =
                summaries.get(0).get("series").get("pump-1/temperature").get(5).asDouble();
        assertEquals(
                results.get(alarmAt).get("score").asDouble(), maxScore, "the alarm's score is the period's highest");

        // evidence: the 32 raw readings before the alarm reading and the 32 after it
        JsonNode e = evidence.get(0);
        assertEquals("pump-1", e.get("device").asText());
        assertEquals("temperature", e.get("quantity").asText());
        assertEquals(millis(alarmAt), e.get("ts").asLong());
        assertEquals(values.get(alarmAt), e.get("value").asDouble());
        assertEquals(model.info().id(), e.get("model").asText());
        assertEquals(32, e.get("before").size());
        assertEquals(32, e.get("after").size());
        assertTrue(e.has("step"), "readings 5 minutes apart: one step, no offsets: " + e);
        assertEquals(300_000, e.get("step").asLong());
        assertFalse(e.has("beforeDt"));
        for (int k = 0; k < 32; k++) {
            assertEquals(values.get(alarmAt - 32 + k), e.get("before").get(k).asDouble(), "before " + k);
            assertEquals(values.get(alarmAt + 1 + k), e.get("after").get(k).asDouble(), "after " + k);
        }
        UplinkStatus st = worker.uplinkStatus().orElseThrow();
        assertEquals(2, st.events());
        assertEquals(1, st.evidence());
        assertEquals(2, st.summaries());
        assertEquals(
                List.of(
                        "edgeai/uplink/alarm/pump-1/temperature",
                        "edgeai/uplink/summary/demo",
                        "edgeai/uplink/alarm/pump-1/temperature",
                        "edgeai/uplink/evidence/pump-1/temperature",
                        "edgeai/uplink/summary/demo"),
                cloudTopics,
                "alarm, summary, back to normal, evidence (32 readings after the alarm), summary; nothing else");
        assertTrue(st.bytes() > 0);
    }

    private static void checkSummary(
            JsonNode msg, List<Double> values, int from, int to, long periodFrom, long periodTo, long alarmMillis) {
        assertEquals("demo", msg.get("pipeline").asText());
        assertEquals(periodFrom, msg.get("from").asLong());
        assertEquals(periodTo, msg.get("to").asLong());
        assertEquals(
                List.of("count", "min", "max", "mean", "last", "maxScore", "alarmMillis"),
                MAPPER.convertValue(msg.get("fields"), List.class));
        JsonNode s = msg.get("series").get("pump-1/temperature");
        List<Double> slice = values.subList(from, to);
        double sum = 0;
        for (double v : slice) {
            sum += v;
        }
        assertEquals(to - from, s.get(0).asInt(), "count");
        assertEquals(
                slice.stream().mapToDouble(d -> d).min().orElseThrow(), s.get(1).asDouble(), "min");
        assertEquals(
                slice.stream().mapToDouble(d -> d).max().orElseThrow(), s.get(2).asDouble(), "max");
        assertEquals(sum / slice.size(), s.get(3).asDouble(), 1e-9, "mean");
        assertEquals(values.get(to - 1), s.get(4).asDouble(), "last");
        assertTrue(s.get(5).asDouble() >= 0 && s.get(5).asDouble() <= 1, "max score: " + s);
        assertEquals(alarmMillis, s.get(6).asLong(), "time in alarm");
    }

    @Test
    void withoutAnUplinkNothingIsKeptOrSent() {
        startWorker(UplinkSettings.OFF);
        List<Double> values = series(300, 1000);
        send(values, 0, 300);
        clock.set(T0 + 10 * PERIOD);
        assertFalse(worker.uplinkStatus().isPresent());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(cloudTopics::isEmpty);
    }

    @Test
    void detailAnswersTheSeriesLastReadingsWhileEvidenceKeepsItsOwnSize() throws Exception {
        int spikeAt = 3000;
        List<Double> values = series(3100, spikeAt);
        // one ring of 64 readings per series: the history's 64, of which the evidence window takes its 16
        startWorker(new UplinkSettings("uplink", "edgeai/uplink", 60, "pipeline", 500, 16, 8, 64));
        int cut = spikeAt + 40;
        send(values, 0, cut);
        await().atMost(Duration.ofSeconds(20)).until(() -> evidence.size() == 1);
        int alarmAt = -1;
        for (int i = 0; i < cut && alarmAt < 0; i++) {
            alarmAt = results.get(i).path("event").asText("").equals("alarm") ? i : -1;
        }
        assertTrue(alarmAt >= spikeAt, "the anomaly raises an alarm");
        JsonNode e = evidence.get(0);
        assertEquals(16, e.get("before").size(), "the evidence window takes its own 16 of the 64 kept: " + e);
        for (int k = 0; k < 16; k++) {
            assertEquals(values.get(alarmAt - 16 + k), e.get("before").get(k).asDouble(), "before " + k);
        }

        SeriesHistory h = worker.recentValues("pump-1/temperature").get(10, TimeUnit.SECONDS);
        assertEquals("demo", h.pipeline());
        assertEquals("pump-1/temperature", h.series());
        assertEquals(64, h.values().size());
        for (int k = 0; k < 64; k++) {
            int i = cut - 64 + k;
            assertEquals(values.get(i), h.values().get(k), "value " + k);
            assertEquals(millis(i), h.times().get(k), "time " + k);
        }

        ExecutionException unknown = assertThrows(
                ExecutionException.class,
                () -> worker.recentValues("pump-9/temperature").get(10, TimeUnit.SECONDS));
        assertTrue(unknown.getCause() instanceof IllegalArgumentException, unknown.toString());
        assertTrue(
                unknown.getCause().getMessage().contains("holds no series 'pump-9/temperature'"), unknown.toString());
    }

    @Test
    void detailIsRefusedWhenThePolicyKeepsNoHistory() {
        startWorker(new UplinkSettings("uplink", "edgeai/uplink", 60, "pipeline", 500, 16, 16, 0));
        send(series(20, 1000), 0, 20);
        ExecutionException off = assertThrows(
                ExecutionException.class,
                () -> worker.recentValues("pump-1/temperature").get(10, TimeUnit.SECONDS));
        assertTrue(off.getCause() instanceof IllegalStateException, off.toString());
        assertTrue(off.getCause().getMessage().contains("uplinkHistory is 0"), off.toString());
    }
}
