package io.edgeai.gateway.nlp.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.ShadowComparison;
import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.api.TokenEmbeddings;
import io.edgeai.gateway.nlp.internal.decode.RejectedTextException;
import io.edgeai.gateway.nlp.internal.intent.FewShotClassifier;
import io.edgeai.gateway.nlp.internal.intent.HeadClassifier;
import io.edgeai.gateway.nlp.internal.intent.IntentResult;
import io.edgeai.gateway.nlp.internal.slots.Entity;

/**
 * Answers live texts a second time with the shadow candidate of the pipeline's encoder, intent head or slot
 * head, and keeps how the two agree as {@link ShadowComparison}s, the figures {@code edgeai:model-compare},
 * {@code model-promote} and a canary read: for intents the same intent (out of scope included) and the
 * confidence difference; for entities the same entities (type and span) and the share of entities not found by
 * both ({@link #entityDifference}).
 * <p>
 * The live result is published before a text is handed over, and the comparison runs on a thread of its own
 * behind a small bounded queue, so the candidate neither delays nor changes what the pipeline answers. When
 * the queue is full, or the pipeline's own queue holds more than a micro-batch or two ({@link #behind}), the
 * text is not compared (counted as skipped): the live path comes first. A shadow encoder reruns the text and
 * feeds the serving intent head (or few-shot intents embedded with the candidate); a shadow head takes the live
 * embedding, a shadow slot head the live token states. A shadow encoder is compared on the intent when the
 * pipeline has the intent task, otherwise on the entities.
 */
final class TextShadowScoring {
    private static final Logger LOG = LoggerFactory.getLogger(TextShadowScoring.class);
    /** Texts waiting for the candidate; beyond this the candidate is behind and texts are skipped. */
    static final int QUEUE = 32;
    /** Candidates whose figures are kept, newest last. */
    private static final int KEPT = 8;

    /**
     * What the live path answered for one text.
     *
     * @param settings the settings it was answered with
     * @param text the text
     * @param encoder the serving encoder that embedded it
     * @param embedding its live sentence embedding
     * @param intent the live intent, null without the intent task
     * @param head the serving intent head, null for few-shot intents
     * @param tokens the live token states, null without the entities task
     * @param slots the serving slot head, null without the entities task
     * @param entities the live entities, null without the entities task
     */
    record Live(
            TextSettings settings,
            String text,
            TextEncoder encoder,
            float[] embedding,
            IntentResult intent,
            ModelRunner head,
            TokenEmbeddings tokens,
            ModelRunner slots,
            List<Entity> entities) {}

    /** One live text and the candidates to answer it with. */
    private record Job(Live live, TextEncoder shadowEncoder, ModelRunner shadowHead, ModelRunner shadowSlots) {}

    /** A candidate's answer compared with the live one: whether they agree, and how far apart, 0..1. */
    private record Outcome(boolean same, double diff) {}

    /** Answers a job's text with one candidate. */
    @FunctionalInterface
    private interface Comparison {
        Outcome compare(Job job) throws RejectedTextException;
    }

    private final String pipeline;
    private final ModelLookup models;
    private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Map<String, ShadowTally> tallies = new LinkedHashMap<>();
    private Thread thread;
    private boolean stopped;
    /** Few-shot intents embedded with a candidate encoder; shadow thread only. */
    private FewShotClassifier fewShot;

    /**
     * @param pipeline the pipeline's name
     * @param models serving models and their candidates
     */
    TextShadowScoring(String pipeline, ModelLookup models) {
        this.pipeline = pipeline;
        this.models = models;
    }

    /**
     * Hands a text the pipeline just answered over for comparison, when its encoder, intent head or slot head has
     * a shadow candidate. Called on the pipeline's thread; never blocks.
     *
     * @param live what the live path answered
     * @param busy whether the live path is behind ({@link #behind})
     */
    void offer(Live live, boolean busy) {
        if (live.intent() == null && live.entities() == null) {
            return;
        }
        TextEncoder shadowEncoder = models.shadowEncoder(live.settings().encoder());
        ModelRunner shadowHead = live.head() == null
                ? null
                : models.shadowModel(live.head().info().name());
        ModelRunner shadowSlots = live.slots() == null
                ? null
                : models.shadowModel(live.slots().info().name());
        if (shadowEncoder == live.encoder()) {
            shadowEncoder = null;
        }
        if (shadowHead == live.head()) {
            shadowHead = null;
        }
        if (shadowSlots == live.slots()) {
            shadowSlots = null;
        }
        if (shadowEncoder == null && shadowHead == null && shadowSlots == null) {
            return;
        }
        if (busy || !ensureStarted() || !queue.offer(new Job(live, shadowEncoder, shadowHead, shadowSlots))) {
            if (shadowEncoder != null) {
                tally(
                                shadowEncoder,
                                shadowEncoder.info().id(),
                                live.encoder().info().id())
                        .skipped();
            }
            if (shadowHead != null) {
                tally(shadowHead, shadowHead.info().id(), live.head().info().id())
                        .skipped();
            }
            if (shadowSlots != null) {
                tally(shadowSlots, shadowSlots.info().id(), live.slots().info().id())
                        .skipped();
            }
        }
    }

    /**
     * Whether the live path is behind, so that texts are not shadow-scored: more texts wait than one or two
     * micro-batches (at least 16, at most half the queue). The candidate's thread competes with the live one
     * for the same cores: on 2 vCPUs, with half the queue as the bound (as the anomaly pipeline has it) a burst
     * ran at about 65 % of the throughput without a candidate; with this bound at the same throughput, while
     * paced traffic is still compared text by text (docs/benchmarks.md, shadow scoring cost).
     *
     * @param queued texts waiting in the pipeline's queue
     * @param s the settings in force
     * @return true when the text should be skipped
     */
    static boolean behind(int queued, TextSettings s) {
        return queued > Math.min(s.queueCapacity() / 2, Math.max(16, 2 * s.batchSize()));
    }

    /** Starts the thread on the first text to compare: pipelines that never see a candidate never own one. */
    private synchronized boolean ensureStarted() {
        if (stopped) {
            return false;
        }
        if (thread == null) {
            thread = new Thread(this::run, "edgeai-text-shadow-" + pipeline);
            thread.setDaemon(true);
            thread.start();
        }
        return true;
    }

    /** Stops the thread and waits for it; texts still queued are not compared. */
    void stop() {
        Thread t;
        synchronized (this) {
            stopped = true;
            t = thread;
        }
        queue.clear();
        if (t != null) {
            t.interrupt();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (true) {
            Job job;
            try {
                job = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (job == null) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                continue;
            }
            Live live = job.live();
            if (job.shadowEncoder() != null) {
                compare(
                        job,
                        job.shadowEncoder(),
                        job.shadowEncoder().info().id(),
                        live.encoder().info().id(),
                        live.intent() != null ? this::intentWithEncoder : this::entitiesWithEncoder);
            }
            if (job.shadowHead() != null) {
                compare(
                        job,
                        job.shadowHead(),
                        job.shadowHead().info().id(),
                        live.head().info().id(),
                        this::intentWithHead);
            }
            if (job.shadowSlots() != null) {
                compare(
                        job,
                        job.shadowSlots(),
                        job.shadowSlots().info().id(),
                        live.slots().info().id(),
                        this::entitiesWithHead);
            }
        }
    }

    /** Answers the job's text with one candidate and counts the outcome. */
    private void compare(Job job, Object service, String candidate, String serving, Comparison how) {
        ShadowTally t = tally(service, candidate, serving);
        try {
            Outcome o = how.compare(job);
            t.count(serving, o.same(), o.diff());
        } catch (RejectedTextException | RuntimeException e) {
            t.failed(serving);
            LOG.debug(
                    "Text pipeline {}: shadow candidate {} failed on a text: {}", pipeline, candidate, e.getMessage());
        }
    }

    /** The intent with the candidate encoder and the serving head, or few-shot intents embedded with it. */
    private Outcome intentWithEncoder(Job job) throws RejectedTextException {
        Live live = job.live();
        TextSettings s = live.settings();
        TextEncoder candidate = job.shadowEncoder();
        float[] embedding = candidate.embedText(live.text()).sentence();
        IntentResult shadow;
        if (live.head() == null) {
            if (fewShot == null || !fewShot.key().equals(FewShotClassifier.keyOf(candidate, s.intents()))) {
                fewShot = FewShotClassifier.build(candidate, s.intents());
            }
            shadow = fewShot.classify(embedding, s.temperature(), s.minSimilarity(), Math.max(0, s.oosThreshold()));
        } else {
            float[] input = HeadInputs.sentence(live.head(), candidate, embedding, live.text(), models::encoder);
            shadow = HeadClassifier.classify(live.head(), input, s.oosThreshold());
        }
        return intents(live.intent(), shadow);
    }

    /** The intent with the candidate head on the live embedding. */
    private Outcome intentWithHead(Job job) throws RejectedTextException {
        Live live = job.live();
        ModelRunner candidate = job.shadowHead();
        HeadInputs.requireEncoder(candidate, live.encoder());
        float[] input = HeadInputs.sentence(candidate, live.encoder(), live.embedding(), live.text(), models::encoder);
        return intents(
                live.intent(),
                HeadClassifier.classify(candidate, input, live.settings().oosThreshold()));
    }

    /** The entities with the candidate encoder's token states and the serving slot head. */
    private Outcome entitiesWithEncoder(Job job) throws RejectedTextException {
        Live live = job.live();
        TokenEmbeddings tokens = job.shadowEncoder().embedText(live.text()).tokenEmbeddings();
        return entities(live.entities(), SlotTagger.entities(live.slots(), tokens, live.text()));
    }

    /** The entities with the candidate slot head on the live token states. */
    private Outcome entitiesWithHead(Job job) throws RejectedTextException {
        Live live = job.live();
        ModelRunner candidate = job.shadowSlots();
        HeadInputs.requireEncoder(candidate, live.encoder());
        return entities(live.entities(), SlotTagger.entities(candidate, live.tokens(), live.text()));
    }

    private static Outcome intents(IntentResult live, IntentResult shadow) {
        return new Outcome(live.intent().equals(shadow.intent()), Math.abs(live.confidence() - shadow.confidence()));
    }

    private static Outcome entities(List<Entity> live, List<Entity> shadow) {
        double diff = entityDifference(live, shadow);
        return new Outcome(diff == 0, diff);
    }

    /**
     * How far two answers' entities lie apart: the share of entities not found by both, {@code 1 - 2|A ∩ B| /
     * (|A| + |B|)}, an entity being its type and span (its confidence is not compared). 0 when both found the
     * same entities (none included), 1 when they share none.
     *
     * @param a one answer's entities
     * @param b the other's
     * @return 0..1
     */
    static double entityDifference(List<Entity> a, List<Entity> b) {
        if (a.isEmpty() && b.isEmpty()) {
            return 0;
        }
        java.util.Set<String> left = new java.util.HashSet<>();
        for (Entity e : a) {
            left.add(e.type() + "@" + e.start() + ":" + e.end());
        }
        int common = 0;
        for (Entity e : b) {
            if (left.remove(e.type() + "@" + e.start() + ":" + e.end())) {
                common++;
            }
        }
        return 1 - 2.0 * common / (a.size() + b.size());
    }

    /**
     * The candidate's figures. A candidate service seen for the first time starts from zero, as the anomaly
     * pipelines' do: a version withdrawn and made the candidate again (a canary retried) is judged afresh.
     */
    private ShadowTally tally(Object service, String candidate, String serving) {
        synchronized (tallies) {
            ShadowTally t = tallies.get(candidate);
            if (t == null || !t.of(service)) {
                t = new ShadowTally(service, candidate);
                tallies.remove(candidate);
                tallies.put(candidate, t);
                while (tallies.size() > KEPT) {
                    tallies.remove(tallies.keySet().iterator().next());
                }
                LOG.info("Text pipeline {}: shadow scoring with {} beside {}", pipeline, candidate, serving);
            }
            return t;
        }
    }

    /** @return figures per candidate seen, oldest first */
    List<ShadowComparison> comparisons() {
        List<ShadowTally> list;
        synchronized (tallies) {
            list = new ArrayList<>(tallies.values());
        }
        List<ShadowComparison> out = new ArrayList<>();
        for (ShadowTally t : list) {
            out.add(t.snapshot(pipeline));
        }
        return out;
    }
}
