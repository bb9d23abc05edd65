package io.edgeai.gateway.intake;

import io.edgeai.gateway.api.ShadowComparison;

/**
 * Running figures of one shadow candidate on one pipeline, as both pipelines count them: inputs both versions
 * answered, on how many they agreed, how far apart their scores lay, and those the candidate was warming up on,
 * failed on or skipped. Written by the pipeline's (or its shadow) thread, read by status calls.
 */
public class ShadowFigures {
    private final String candidate;
    private String serving = "";
    private long compared;
    private long agreed;
    private double sumAbsDiff;
    private double maxAbsDiff;
    private long warmingUp;
    private long failed;
    private long skipped;

    /** @param candidate {@code name@version} of the shadow candidate */
    public ShadowFigures(String candidate) {
        this.candidate = candidate;
    }

    /**
     * Counts one input both versions answered.
     *
     * @param servingId {@code name@version} of the serving model that answered it
     * @param same whether the two answers agree
     * @param diff how far apart the two answers' scores lay
     */
    public synchronized void count(String servingId, boolean same, double diff) {
        serving = servingId;
        compared++;
        sumAbsDiff += diff;
        maxAbsDiff = Math.max(maxAbsDiff, diff);
        if (same) {
            agreed++;
        }
    }

    /** @param servingId the serving model; counts an input the candidate answered while still warming up */
    public synchronized void warmingUp(String servingId) {
        serving = servingId;
        warmingUp++;
    }

    /** @param servingId the serving model, empty when unknown; counts an input the candidate failed on */
    public synchronized void failed(String servingId) {
        if (!servingId.isEmpty()) {
            serving = servingId;
        }
        failed++;
    }

    /** Counts an input not shadow-scored because the live path needed the time. */
    public synchronized void skipped() {
        skipped++;
    }

    /**
     * @param pipeline the pipeline's name
     * @return the figures so far
     */
    public synchronized ShadowComparison snapshot(String pipeline) {
        return new ShadowComparison(
                pipeline,
                serving,
                candidate,
                compared,
                agreed,
                compared == 0 ? 0 : sumAbsDiff / compared,
                maxAbsDiff,
                warmingUp,
                failed,
                skipped);
    }
}
