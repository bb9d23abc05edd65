package io.edgeai.gateway.nlp.internal;

import io.edgeai.gateway.api.ShadowComparison;
import io.edgeai.gateway.nlp.internal.intent.IntentResult;

/**
 * Running figures of one shadow candidate on a text pipeline: texts both versions answered, on how many they
 * agreed, and how far apart their scores lay. For an encoder or intent head: the same intent (out of scope
 * included), and the two intent confidences. For a slot head: the same entities (type and span), and the
 * share of tokens tagged differently. Written by the shadow thread, read by status calls.
 */
final class ShadowTally {
    /** Weak: figures kept after the candidate went must not keep an unloaded model's tokenizer and buffers. */
    private final java.lang.ref.WeakReference<Object> service;

    private final String candidate;
    private String serving = "";
    private long compared;
    private long agreed;
    private double sumAbsDiff;
    private double maxAbsDiff;
    private long failed;
    private long skipped;

    /**
     * @param service the candidate's service (an encoder or a head)
     * @param candidate {@code name@version} of the shadow candidate
     */
    ShadowTally(Object service, String candidate) {
        this.service = new java.lang.ref.WeakReference<>(service);
        this.candidate = candidate;
    }

    /** @return whether these are the figures of {@code candidate} (not of an earlier service of the same version) */
    boolean of(Object candidate) {
        return service.get() == candidate;
    }

    /**
     * Counts one text both versions classified.
     *
     * @param servingId {@code name@version} of the serving model that answered it
     * @param live the live intent
     * @param shadow the candidate's intent
     */
    void compare(String servingId, IntentResult live, IntentResult shadow) {
        count(servingId, live.intent().equals(shadow.intent()), Math.abs(live.confidence() - shadow.confidence()));
    }

    /**
     * Counts one text both versions answered.
     *
     * @param servingId {@code name@version} of the serving model that answered it
     * @param same whether the two answers agree
     * @param diff how far apart the two answers' scores lay, 0..1
     */
    synchronized void count(String servingId, boolean same, double diff) {
        serving = servingId;
        compared++;
        sumAbsDiff += diff;
        maxAbsDiff = Math.max(maxAbsDiff, diff);
        if (same) {
            agreed++;
        }
    }

    /** Counts a text the candidate failed to classify. */
    synchronized void failed(String servingId) {
        serving = servingId;
        failed++;
    }

    /** Counts a text not shadow-scored because the live path needed the time. */
    synchronized void skipped() {
        skipped++;
    }

    /**
     * @param pipeline the pipeline's name
     * @return the figures so far (no warm-up for text: every compared text counts)
     */
    synchronized ShadowComparison snapshot(String pipeline) {
        return new ShadowComparison(
                pipeline,
                serving,
                candidate,
                compared,
                agreed,
                compared == 0 ? 0 : sumAbsDiff / compared,
                maxAbsDiff,
                0,
                failed,
                skipped);
    }
}
