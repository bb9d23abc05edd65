package io.edgeai.gateway.nlp.internal;

import java.lang.ref.WeakReference;

import io.edgeai.gateway.intake.ShadowFigures;

/**
 * The figures of one shadow candidate on a text pipeline ({@link ShadowFigures}, no warm-up for text). For an
 * encoder or intent head: the same intent (out of scope included) is agreement and the two intent confidences
 * are the scores. For a slot head: the same entities (type and span) is agreement and the score difference is
 * the share of entities not found by both. Tied to the candidate's service, so that a version withdrawn and made
 * the candidate again (a canary retried) is judged afresh.
 */
final class ShadowTally extends ShadowFigures {
    /** Weak: figures kept after the candidate went must not keep an unloaded model's tokenizer and buffers. */
    private final WeakReference<Object> service;

    /**
     * @param service the candidate's service (an encoder or a head)
     * @param candidate {@code name@version} of the shadow candidate
     */
    ShadowTally(Object service, String candidate) {
        super(candidate);
        this.service = new WeakReference<>(service);
    }

    /** @return whether these are the figures of {@code candidate} (not of an earlier service of the same version) */
    boolean of(Object candidate) {
        return service.get() == candidate;
    }
}
