package io.edgeai.gateway.intake;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import io.edgeai.gateway.api.LatencyHistogram;
import io.edgeai.gateway.api.LatencyRecorder;

/**
 * A pipeline's stage latencies, named once by its worker, plus {@code total} (receipt until the result is on its
 * way) and the window of recent totals that status reports as p50/p99.
 */
public final class StageClock {
    /** The stage every pipeline has: from receipt until the result went to publish. */
    public static final String TOTAL = "total";

    private final Map<String, LatencyRecorder> stages = new LinkedHashMap<>();
    private final LatencyRecorder total = new LatencyRecorder();
    private final LatencyWindow window = new LatencyWindow(4096);

    /** @param names the worker's stages in order ({@value #TOTAL} is added) */
    public StageClock(String... names) {
        for (String n : names) {
            stages.put(n, new LatencyRecorder());
        }
        stages.put(TOTAL, total);
    }

    /**
     * @param name one of the names given
     * @return its recorder
     */
    public LatencyRecorder stage(String name) {
        LatencyRecorder r = stages.get(name);
        if (r == null) {
            throw new IllegalArgumentException("no stage " + name);
        }
        return r;
    }

    /**
     * Records an answered input.
     *
     * @param receivedNanos when it arrived ({@link System#nanoTime()})
     * @param nowNanos when its result went to publish
     */
    public void answered(long receivedNanos, long nowNanos) {
        total.record(nowNanos - receivedNanos);
        window.record((nowNanos - receivedNanos) / 1000);
    }

    /**
     * @param p percentile, 0..100
     * @return the total latency's percentile over recent inputs, microseconds
     */
    public long percentile(double p) {
        return window.percentile(p);
    }

    /** @return histograms by stage name, sorted by name */
    public Map<String, LatencyHistogram> snapshot() {
        Map<String, LatencyHistogram> out = new TreeMap<>();
        stages.forEach((k, v) -> out.put(k, v.snapshot()));
        return out;
    }
}
