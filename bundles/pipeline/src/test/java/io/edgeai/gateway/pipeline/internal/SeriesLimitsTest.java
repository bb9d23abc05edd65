package io.edgeai.gateway.pipeline.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.edgeai.gateway.api.ConnectionStatus;
import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.api.MessageHandler;
import io.edgeai.gateway.api.ModelInfo;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.PipelineStatus;
import io.edgeai.gateway.pipeline.internal.detect.AnomalyScorer;
import io.edgeai.gateway.pipeline.internal.detect.ScorerSettings;

/**
 * Admission of new series (maxSeries, the estimated memory budget, heap headroom), idle eviction and the
 * worker's fatal-error path, on plain Java: a recording connection and a model that echoes its input.
 */
class SeriesLimitsTest {

    /** Publishes into a list; hands the subscription's handler to the test. */
    private static final class Recorder implements MqttConnection {
        final List<String[]> published = new CopyOnWriteArrayList<>();
        volatile MessageHandler handler;

        @Override
        public String name() {
            return "rec";
        }

        @Override
        public void subscribe(String topicFilter, int qos, MessageHandler h) {
            handler = h;
        }

        @Override
        public void unsubscribe(String topicFilter) {
            handler = null;
        }

        @Override
        public boolean publish(String topic, byte[] payload, int qos, boolean retained) {
            published.add(new String[] {topic, new String(payload, StandardCharsets.UTF_8)});
            return true;
        }

        @Override
        public ConnectionStatus status() {
            return null;
        }

        long count(String prefix) {
            return published.stream().filter(p -> p[0].startsWith(prefix)).count();
        }

        List<String> deadLetters() {
            return published.stream()
                    .filter(p -> p[0].startsWith("edgeai/deadletter/"))
                    .map(p -> p[1])
                    .toList();
        }
    }

    /** A model that returns its input (error 0) or fails with the given error. */
    private static ModelRunner model(int window, Error failure) {
        ModelInfo info = new ModelInfo(
                "echo",
                "1.0.0",
                "test",
                List.of(),
                List.of(),
                Map.of("window.size", Integer.toString(window)),
                "",
                "CPU",
                "test",
                0);
        return new ModelRunner() {
            @Override
            public ModelInfo info() {
                return info;
            }

            @Override
            public float[][] run(float[][] batch) {
                if (failure != null) {
                    throw failure;
                }
                return batch;
            }

            @Override
            public long inferenceCount() {
                return 0;
            }

            @Override
            public long failureCount() {
                return 0;
            }
        };
    }

    private static InboundMessage reading(String device, double value) {
        return new InboundMessage(
                "rec",
                "sensors/" + device + "/temp",
                ("{\"value\":" + value + "}").getBytes(StandardCharsets.UTF_8),
                1,
                System.nanoTime());
    }

    private static PipelineWorker worker(PipelineSettings s, Recorder out, ModelRunner m) {
        return new PipelineWorker(s, out, () -> m);
    }

    private static PipelineSettings maxSeries(int n) {
        PipelineSettings d = TestSettings.defaults("limits");
        return TestSettings.of(
                "limits",
                d.inputTopic(),
                1,
                d.outputTopicPrefix(),
                1,
                d.alarmTopicPrefix(),
                d.deadLetterTopicPrefix(),
                "value",
                "ts",
                d.maxPayloadBytes(),
                d.queueCapacity(),
                false,
                n,
                -1,
                -1,
                1,
                12);
    }

    @Test
    void newSeriesBeyondMaxSeriesAreDeadLetteredWithTheLimitNamed() {
        Recorder out = new Recorder();
        PipelineWorker w = worker(maxSeries(5), out, model(8, null));
        for (int i = 0; i < 8; i++) {
            w.process(reading("dev-" + i, 20 + i));
        }
        assertEquals(5, out.count("edgeai/anomaly/"));
        assertEquals(3, out.deadLetters().size());
        assertTrue(
                out.deadLetters().get(0).contains("\"code\":\"too-many-series\""),
                out.deadLetters().get(0));
        assertTrue(
                out.deadLetters().get(0).contains("(maxSeries)"),
                out.deadLetters().get(0));
        w.process(reading("dev-0", 21));
        assertEquals(6, out.count("edgeai/anomaly/"), "a kept series still scores");
        assertEquals(5, w.status("anomaly", "rec").keys());
    }

    @Test
    void theMemoryBudgetRefusesNewSeriesOnceTheEstimateReachesIt() {
        Recorder out = new Recorder();
        PipelineSettings s = TestSettings.withSeriesLimits(TestSettings.defaults("limits"), 1, 0, 100);
        PipelineWorker w = worker(s, out, model(8, null));
        int n = 1000;
        for (int i = 0; i < n; i++) {
            w.process(reading("dev-" + i, i));
        }
        PipelineStatus st = w.status("anomaly", "rec");
        long results = out.count("edgeai/anomaly/");
        // a series of these settings is about 2.2 KB with its key and table entry, so 1 MB holds a few hundred
        assertTrue(results >= 200 && results < 800, "series admitted: " + results);
        assertEquals(n, results + out.deadLetters().size(), "every reading has one outcome");
        assertEquals(results, st.keys());
        assertTrue(
                st.seriesBytes() <= 1024 * 1024 && st.seriesBytes() >= results * 1024L,
                "estimated bytes " + st.seriesBytes());
        String dl = out.deadLetters().get(0);
        assertTrue(dl.contains("too-many-series") && dl.contains("seriesMemoryMegabytes 1"), dl);
    }

    @Test
    void aHeapFullAfterCollectionRefusesNewSeriesWhileKeptOnesGoOnScoring() {
        Recorder out = new Recorder();
        AtomicInteger heap = new AtomicInteger(40);
        PipelineWorker w = worker(TestSettings.defaults("limits"), out, model(8, null));
        w.heapGauge(heap::get);
        w.process(reading("a", 1));
        w.process(reading("b", 1));
        heap.set(95);
        w.process(reading("c", 1));
        w.process(reading("a", 2));
        assertEquals(3, out.count("edgeai/anomaly/"));
        String dl = out.deadLetters().get(0);
        assertTrue(
                dl.contains("sensors/c/temp")
                        && dl.contains("95 % of the maximum")
                        && dl.contains("seriesHeapPercent 90"),
                dl);
        heap.set(60);
        w.process(reading("c", 1));
        assertEquals(4, out.count("edgeai/anomaly/"), "admitted again once a collection freed the heap");
    }

    @Test
    void idleSeriesAreEvictedAFewPerTurnOldestFirstAndCounted() {
        Recorder out = new Recorder();
        PipelineSettings s = TestSettings.withSeriesLimits(TestSettings.defaults("limits"), 96, 60, 100);
        PipelineWorker w = worker(s, out, model(8, null));
        for (int i = 0; i < 100; i++) {
            w.process(reading("dev-" + i, i));
        }
        long now = System.nanoTime();
        w.process(reading("dev-0", 1)); // seen again: the most recent now
        assertEquals(0, w.evictIdle(now + 30_000_000_000L), "nothing idle for 60 s yet");
        long later = now + 60_000_000_000L; // the others were seen before now: idle longer than 60 s
        assertEquals(64, w.evictIdle(later), "a turn evicts a bounded number");
        assertEquals(35, w.evictIdle(later));
        assertEquals(0, w.evictIdle(later), "dev-0 was seen after the others");
        PipelineStatus st = w.status("anomaly", "rec");
        assertEquals(99, st.evicted());
        assertEquals(1, st.keys());
        w.process(reading("dev-5", 1));
        assertEquals(2, w.status("anomaly", "rec").keys(), "an evicted series starts again");
    }

    @Test
    void seriesAreKeptForEverWithIdleTimeZero() {
        Recorder out = new Recorder();
        PipelineWorker w =
                worker(TestSettings.withSeriesLimits(TestSettings.defaults("limits"), 96, 0, 90), out, model(8, null));
        w.process(reading("a", 1));
        assertEquals(0, w.evictIdle(System.nanoTime() + 3_600_000_000_000_000L));
        assertEquals(1, w.status("anomaly", "rec").keys());
    }

    @Test
    void anErrorOnTheWorkerGoesToTheFatalHandlerAndItsInputStaysUnacknowledged() {
        Recorder out = new Recorder();
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        PipelineWorker w = worker(TestSettings.defaults("fatal"), out, model(1, oom));
        AtomicReference<String> thread = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        w.onFatal((t, e) -> {
            thread.set(t);
            error.set(e);
        });
        w.start();
        try {
            AtomicBoolean acked = new AtomicBoolean();
            out.handler.onMessage(new InboundMessage(
                    "rec",
                    "sensors/x/temp",
                    "1.5".getBytes(StandardCharsets.UTF_8),
                    1,
                    System.nanoTime(),
                    false,
                    () -> acked.set(true)));
            await().atMost(Duration.ofSeconds(10)).until(() -> error.get() != null);
            assertSame(oom, error.get());
            assertEquals("edgeai-pipeline-fatal", thread.get());
            assertFalse(acked.get(), "the broker delivers it again to the restarted gateway");
        } finally {
            w.stop();
        }
    }

    @Test
    void theFatalHandlerLogsLetsItsReserveGoAndExitsWithStatus3() {
        AtomicInteger status = new AtomicInteger(-1);
        FatalErrors.handle("edgeai-pipeline-demo", new OutOfMemoryError("Java heap space"), status::set);
        assertEquals(3, status.get());
        assertFalse(FatalErrors.reserveHeld());
        assertTrue(FatalErrors.ADVICE.contains("JAVA_MAX_MEM") && FatalErrors.ADVICE.contains("maxSeries"));
    }

    @Test
    void theJvmWidePolicyHaltsOnVirtualMachineErrorsAndOnErrorsOfGatewayThreads() {
        assertTrue(FatalErrorPolicy.fatal("Karaf shell", new OutOfMemoryError()));
        assertTrue(FatalErrorPolicy.fatal("edgeai-mqtt-local-publish", new LinkageError()));
        assertFalse(FatalErrorPolicy.fatal("Karaf shell", new LinkageError()));
        assertFalse(FatalErrorPolicy.fatal("edgeai-mqtt-local-publish", new IllegalStateException()));
    }

    @Test
    void theFootprintCountsTheScorersArrays() {
        assertEquals(16 + 8 * 1000, SeriesFootprint.deepSize(new double[1000]));
        long state = SeriesFootprint.deepSize(new AnomalyScorer(ScorerSettings.DEFAULTS).newSeries());
        // the likelihood's 64 blocks of float statistics alone are 64 * 3 * 4 bytes; the whole state stays within 8 KB
        assertTrue(state > 64 * 3 * 4 && state <= 8192, "bytes " + state);
    }

    @Test
    void seriesLimitsAreValidatedOnce() {
        PipelineSettings d = TestSettings.defaults("v");
        assertEquals(96, d.seriesMemoryMegabytes());
        assertEquals(604800, d.seriesIdleSeconds());
        assertEquals(90, d.seriesHeapPercent());
        assertThrows(IllegalArgumentException.class, () -> TestSettings.withSeriesLimits(d, 0, 0, 90));
        assertThrows(IllegalArgumentException.class, () -> TestSettings.withSeriesLimits(d, 1, -1, 90));
        assertThrows(IllegalArgumentException.class, () -> TestSettings.withSeriesLimits(d, 1, 0, 101));
        assertNull(
                new SeriesAdmission(() -> 100).check(TestSettings.withSeriesLimits(d, 1, 0, 100), 0, 1000, 0),
                "seriesHeapPercent 100 turns the heap guard off");
    }
}
