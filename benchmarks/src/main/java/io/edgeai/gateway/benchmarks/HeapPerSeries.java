package io.edgeai.gateway.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;

import io.edgeai.gateway.api.LatencyHistogram;
import io.edgeai.gateway.api.ModelInfo;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.pipeline.internal.decide.AlarmState;
import io.edgeai.gateway.pipeline.internal.detect.AnomalyScorer;
import io.edgeai.gateway.pipeline.internal.detect.ScorerSettings;
import io.edgeai.gateway.pipeline.internal.detect.SeriesState;

/**
 * Live heap per anomaly series: creates N series through {@link AnomalyScorer} with the shipped anomaly model's
 * descriptor settings, warms each one past its warm-up, forces full collections and divides the growth of the
 * used heap by N. Measured twice per N: the {@link SeriesState}s alone (held in an array), then with what the
 * pipeline worker keeps besides (one {@code HashMap} entry per series keyed by {@code topic + " " + quantity},
 * an {@link AlarmState} and the last reading's time, as {@code PipelineWorker.Series} does).
 *
 * <p>The state's size does not depend on the model, so a stand-in model answers every window with zeros (the
 * error is then the window's mean square: it varies like a real reconstruction error, without ONNX Runtime).
 *
 * <pre>HeapPerSeries [--series 10000,100000] [--readings 300] [--spacing-ms 300000]</pre>
 */
public final class HeapPerSeries {
    private HeapPerSeries() {}

    /**
     * @param args see the class comment
     */
    public static void main(String[] args) {
        List<Integer> counts = List.of(10_000, 100_000);
        int readings = 300;
        long spacing = 300_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--series" -> counts = parseCounts(args[++i]);
                case "--readings" -> readings = Integer.parseInt(args[++i]);
                case "--spacing-ms" -> spacing = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        ScorerSettings settings = ScorerSettings.fromModel(shippedInfo());
        AnomalyScorer scorer = new AnomalyScorer(settings);
        System.out.printf(
                Locale.ROOT,
                "settings %s%n%d readings per series, %d ms apart, max heap %d MiB%n",
                settings,
                readings,
                spacing,
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.println("series     | state B/series | extras B/series | total B/series | seconds");
        for (int n : counts) {
            measure(scorer, n, readings, spacing);
        }
    }

    private static void measure(AnomalyScorer scorer, int n, int readings, long spacing) {
        long start = System.nanoTime();
        ModelRunner zeros = new ZeroModel(scorer.settings().windowSize());
        long before = liveHeap();
        SeriesState[] states = new SeriesState[n];
        Random rnd = new Random(42);
        for (int s = 0; s < n; s++) {
            SeriesState st = scorer.newSeries();
            double level = 20 + 10 * rnd.nextDouble();
            long t = 1_700_000_000_000L;
            for (int r = 0; r < readings; r++) {
                // a daily shape plus noise, so every channel sees varying values
                double v = level + 5 * Math.sin(2 * Math.PI * (t % 86_400_000L) / 86_400_000.0) + rnd.nextGaussian();
                scorer.score(st, zeros, t, v);
                t += spacing;
            }
            states[s] = st;
        }
        long withStates = liveHeap();
        Map<String, Entry> series = new HashMap<>();
        for (int s = 0; s < n; s++) {
            // a realistic key: topic + " " + quantity, built at run time like the worker does
            String key = String.format(Locale.ROOT, "sensors/site-%02d/line-%02d/sensor-%06d", s % 37, s % 11, s) + " "
                    + "value";
            Entry e = new Entry(states[s]);
            e.lastMillis = 1_700_000_000_000L + readings * spacing;
            series.put(key, e);
        }
        long withMap = liveHeap();
        double state = (withStates - before) / (double) n;
        double extras = (withMap - withStates) / (double) n;
        System.out.printf(
                Locale.ROOT,
                "%,10d | %,14.0f | %,15.0f | %,14.0f | %.1f%n",
                n,
                state,
                extras,
                state + extras,
                (System.nanoTime() - start) / 1e9);
        // keep both alive until measured
        if (series.size() != n || states.length != n) {
            throw new IllegalStateException();
        }
    }

    /** Used heap after full collections (several, so objects with finalizers or soft references settle). */
    private static long liveHeap() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(
                    used,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** The shipped anomaly model's descriptor as a {@link ModelInfo} (its properties are what matters). */
    private static ModelInfo shippedInfo() {
        JsonNode d = ShippedModels.get("nab-ae").descriptor();
        Map<String, String> props = new HashMap<>();
        d.path("properties")
                .fields()
                .forEachRemaining(f -> props.put(f.getKey(), f.getValue().asText()));
        return new ModelInfo(
                d.path("name").asText(),
                d.path("version").asText(),
                "",
                List.of(),
                List.of(),
                props,
                "",
                "none",
                "heap-per-series",
                0);
    }

    private static List<Integer> parseCounts(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            out.add(Integer.parseInt(s.trim()));
        }
        return out;
    }

    /** Mirrors {@code PipelineWorker.Series}: what the worker keeps per series next to its scorer state. */
    private static final class Entry {
        final SeriesState state;
        final AlarmState alarm = new AlarmState();
        long lastMillis = Long.MIN_VALUE;

        Entry(SeriesState state) {
            this.state = state;
        }
    }

    /** A stand-in model: answers every window with zeros, shared, without allocating. */
    private static final class ZeroModel implements ModelRunner {
        private final float[] zeros;

        ZeroModel(int window) {
            zeros = new float[window];
        }

        @Override
        public ModelInfo info() {
            throw new UnsupportedOperationException("not needed to size the state");
        }

        @Override
        public float[][] run(float[][] batch) {
            float[][] out = new float[batch.length][];
            java.util.Arrays.fill(out, zeros);
            return out;
        }

        @Override
        public float[] run(float[] input) {
            return zeros;
        }

        @Override
        public long inferenceCount() {
            return 0;
        }

        @Override
        public long failureCount() {
            return 0;
        }

        @Override
        public LatencyHistogram inferenceLatency() {
            return LatencyHistogram.EMPTY;
        }
    }
}
