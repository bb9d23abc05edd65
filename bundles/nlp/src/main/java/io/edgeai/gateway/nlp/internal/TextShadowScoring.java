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
import io.edgeai.gateway.nlp.internal.decode.RejectedTextException;
import io.edgeai.gateway.nlp.internal.intent.FewShotClassifier;
import io.edgeai.gateway.nlp.internal.intent.HeadClassifier;
import io.edgeai.gateway.nlp.internal.intent.IntentResult;

/**
 * Classifies live texts a second time with the shadow candidate of the pipeline's encoder or intent head, and
 * keeps how the two agree (same intent, out of scope included; confidence difference) as
 * {@link ShadowComparison}s, the figures {@code edgeai:model-compare}, {@code model-promote} and a canary read.
 * <p>
 * The live result is published before a text is handed over, and the comparison runs on a thread of its own
 * behind a small bounded queue, so the candidate neither delays nor changes what the pipeline answers. When
 * the queue is full, or the pipeline's own queue holds more than a micro-batch or two ({@link #behind}), the
 * text is not compared (counted as skipped): the live path comes first. A shadow encoder reruns the text and
 * feeds the serving intent head (or few-shot intents embedded with the candidate); a shadow head takes the live
 * embedding. Only the intent is compared: a pipeline without the intent task does no shadow scoring.
 */
final class TextShadowScoring {
    private static final Logger LOG = LoggerFactory.getLogger(TextShadowScoring.class);
    /** Texts waiting for the candidate; beyond this the candidate is behind and texts are skipped. */
    static final int QUEUE = 32;
    /** Candidates whose figures are kept, newest last. */
    private static final int KEPT = 8;

    /**
     * One live text to compare.
     *
     * @param settings the settings it was answered with
     * @param text the text
     * @param encoder the serving encoder that embedded it
     * @param embedding its live sentence embedding
     * @param live the live intent
     * @param head the serving intent head, null for few-shot intents
     * @param shadowEncoder the encoder's candidate, or null
     * @param shadowHead the head's candidate, or null
     */
    private record Job(TextSettings settings, String text, TextEncoder encoder, float[] embedding, IntentResult live,
            ModelRunner head, TextEncoder shadowEncoder, ModelRunner shadowHead) {
    }

    private final String pipeline;
    private final ModelLookup models;
    private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Map<String, IntentTally> tallies = new LinkedHashMap<>();
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
     * Hands a text the pipeline just answered over for comparison, when its encoder or intent head has a shadow
     * candidate. Called on the pipeline's thread; never blocks.
     *
     * @param s the settings it was answered with
     * @param text the text
     * @param encoder the serving encoder
     * @param embedding the live sentence embedding
     * @param live the live intent (null when the pipeline does not classify intents)
     * @param head the serving intent head, null for few-shot intents
     * @param busy whether the live path is behind (its queue more than half full)
     */
    void offer(TextSettings s, String text, TextEncoder encoder, float[] embedding, IntentResult live,
            ModelRunner head, boolean busy) {
        if (live == null) {
            return;
        }
        TextEncoder shadowEncoder = models.shadowEncoder(s.encoder());
        ModelRunner shadowHead = head == null ? null : models.shadowModel(head.info().name());
        if (shadowEncoder == encoder) {
            shadowEncoder = null;
        }
        if (shadowHead == head) {
            shadowHead = null;
        }
        if (shadowEncoder == null && shadowHead == null) {
            return;
        }
        if (busy || !ensureStarted() || !queue.offer(
                new Job(s, text, encoder, embedding, live, head, shadowEncoder, shadowHead))) {
            if (shadowEncoder != null) {
                tally(shadowEncoder, shadowEncoder.info().id(), encoder.info().id()).skipped();
            }
            if (shadowHead != null) {
                tally(shadowHead, shadowHead.info().id(), head.info().id()).skipped();
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
            if (job.shadowEncoder() != null) {
                compare(job, job.shadowEncoder(), job.shadowEncoder().info().id(), job.encoder().info().id());
            }
            if (job.shadowHead() != null) {
                compare(job, job.shadowHead(), job.shadowHead().info().id(), job.head().info().id());
            }
        }
    }

    /** Classifies the job's text with one candidate and counts the outcome. */
    private void compare(Job job, Object service, String candidate, String serving) {
        IntentTally t = tally(service, candidate, serving);
        try {
            IntentResult shadow = service == job.shadowEncoder() ? withEncoder(job) : withHead(job);
            t.compare(serving, job.live(), shadow);
        } catch (RejectedTextException | RuntimeException e) {
            t.failed(serving);
            LOG.debug("Text pipeline {}: shadow candidate {} failed on a text: {}", pipeline, candidate,
                    e.getMessage());
        }
    }

    /** The intent with the candidate encoder and the serving head, or few-shot intents embedded with it. */
    private IntentResult withEncoder(Job job) throws RejectedTextException {
        TextSettings s = job.settings();
        TextEncoder candidate = job.shadowEncoder();
        float[] embedding = candidate.embedText(job.text()).sentence();
        if (job.head() == null) {
            if (fewShot == null || !fewShot.key().equals(FewShotClassifier.keyOf(candidate, s.intents()))) {
                fewShot = FewShotClassifier.build(candidate, s.intents());
            }
            return fewShot.classify(embedding, s.temperature(), s.minSimilarity(), Math.max(0, s.oosThreshold()));
        }
        float[] input = HeadInputs.sentence(job.head(), candidate, embedding, job.text(), models::encoder);
        return HeadClassifier.classify(job.head(), input, s.oosThreshold());
    }

    /** The intent with the candidate head on the live embedding. */
    private IntentResult withHead(Job job) throws RejectedTextException {
        ModelRunner candidate = job.shadowHead();
        String own = job.encoder().info().name();
        if (!HeadInputs.encoders(candidate, own).contains(own)) {
            throw new RejectedTextException("model-mismatch", "model " + candidate.info().id() + " needs encoder "
                    + String.join(",", HeadInputs.encoders(candidate, own)) + ", the pipeline uses " + own);
        }
        float[] input = HeadInputs.sentence(candidate, job.encoder(), job.embedding(), job.text(), models::encoder);
        return HeadClassifier.classify(candidate, input, job.settings().oosThreshold());
    }

    /**
     * The candidate's figures. A candidate service seen for the first time starts from zero, as the anomaly
     * pipelines' do: a version withdrawn and made the candidate again (a canary retried) is judged afresh.
     */
    private IntentTally tally(Object service, String candidate, String serving) {
        synchronized (tallies) {
            IntentTally t = tallies.get(candidate);
            if (t == null || !t.of(service)) {
                t = new IntentTally(service, candidate);
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
        List<IntentTally> list;
        synchronized (tallies) {
            list = new ArrayList<>(tallies.values());
        }
        List<ShadowComparison> out = new ArrayList<>();
        for (IntentTally t : list) {
            out.add(t.snapshot(pipeline));
        }
        return out;
    }
}
