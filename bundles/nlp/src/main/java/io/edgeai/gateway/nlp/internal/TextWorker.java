package io.edgeai.gateway.nlp.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.EdgeAiConstants;
import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.api.InferenceException;
import io.edgeai.gateway.api.LatencyHistogram;
import io.edgeai.gateway.api.LatencyRecorder;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.MqttTopics;
import io.edgeai.gateway.api.PipelineStatus;
import io.edgeai.gateway.api.TextEmbedding;
import io.edgeai.gateway.api.SharedSubscriptions;
import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.api.TokenEmbeddings;
import io.edgeai.gateway.nlp.internal.decode.RejectedTextException;
import io.edgeai.gateway.nlp.internal.decode.TextDecoder;
import io.edgeai.gateway.nlp.internal.encode.TextResultEncoder;
import io.edgeai.gateway.nlp.internal.intent.FewShotClassifier;
import io.edgeai.gateway.nlp.internal.intent.HeadClassifier;
import io.edgeai.gateway.nlp.internal.intent.IntentResult;
import io.edgeai.gateway.nlp.internal.slots.BioDecoder;
import io.edgeai.gateway.nlp.internal.slots.Entity;

/**
 * The text pipeline's stages in order, on one owned thread: decode, embed, intent, entities, encode,
 * publish. The MQTT callback only offers messages to the bounded queue. The encoder runs once per text
 * (pooled vector, token states and truncation all come from that run), or, with {@code batch.size} above 1,
 * once per micro-batch of texts. Few-shot intents are embedded on this thread when the configuration or the
 * encoder changes, before the next message is classified.
 */
public final class TextWorker {
    private static final Logger LOG = LoggerFactory.getLogger(TextWorker.class);
    /** Bytes of an oversize payload kept for its dead letter. */
    private static final int OVERSIZE_KEPT = 1024;
    /** Longest time a stopping shared-subscription worker finishes queued inputs. */
    static final long DRAIN_MILLIS = 10_000;

    private final MqttConnection connection;
    private final ModelLookup models;
    private final BlockingQueue<InboundMessage> queue;
    private final Thread thread;
    private final Set<String> loggedReasons = ConcurrentHashMap.newKeySet();
    private final Map<InboundMessage, Integer> oversize = Collections.synchronizedMap(new IdentityHashMap<>());
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** Encoder runs that took more than one text, and the texts they took. */
    private final AtomicLong batchRuns = new AtomicLong();
    private final AtomicLong batchTexts = new AtomicLong();
    private final AtomicLong held = new AtomicLong();
    private final LatencyWindow latency = new LatencyWindow(4096);
    /** For metrics: "queue" from receipt until this thread takes the message, "total" until its result is queued. */
    private final Map<String, LatencyRecorder> stages = Map.of("queue", new LatencyRecorder(), "total",
            new LatencyRecorder());
    private volatile TextSettings settings;
    /** Share group of the input subscription, empty for a plain one. */
    private volatile String shareGroup = "";
    private volatile boolean running = true;
    /** Stopping a shared subscription's worker: finish what is queued, then end. */
    private volatile boolean draining;
    private FewShotClassifier fewShot;
    /** Compares answered texts with shadow candidates, on a thread of its own. */
    private final TextShadowScoring shadow;

    /**
     * @param settings pipeline settings
     * @param connection broker connection to subscribe and publish on
     * @param models the serving models by name
     */
    public TextWorker(TextSettings settings, MqttConnection connection, ModelLookup models) {
        this.settings = settings;
        this.connection = connection;
        this.models = models;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.thread = new Thread(this::run, "edgeai-text-" + settings.name());
        this.thread.setDaemon(true);
        this.shadow = new TextShadowScoring(settings.name(), models);
    }

    /**
     * Subscribes through a shared subscription from the next {@link #start()} on.
     *
     * @param group share group, empty for a plain subscription
     * @return this worker
     */
    public TextWorker shareGroup(String group) {
        SharedSubscriptions.filter(group, "x"); // checks the name
        this.shareGroup = group.strip();
        return this;
    }

    /** @return the share group, empty for none */
    public String shareGroup() {
        return shareGroup;
    }

    private String filter(TextSettings s) {
        return SharedSubscriptions.filter(shareGroup, s.inputTopic());
    }

    /** Starts the worker thread and subscribes. */
    public void start() {
        thread.start();
        connection.subscribe(filter(settings), settings.inputQos(), this::offer, true);
    }

    /**
     * Applies changed settings live; messages received after this call see them (few-shot intents are
     * re-embedded before the next message is classified).
     *
     * @param next the new settings (same queue capacity)
     */
    public void update(TextSettings next) {
        TextSettings prev = settings;
        settings = next;
        if (!prev.inputTopic().equals(next.inputTopic()) || prev.inputQos() != next.inputQos()) {
            connection.unsubscribe(filter(prev));
            connection.subscribe(filter(next), next.inputQos(), this::offer, true);
        }
        LOG.info("Text pipeline {} updated live", next.name());
    }

    /**
     * Unsubscribes, stops the thread and waits for it. With a share group the broker's acknowledgement of the
     * unsubscribe comes first (no further share for this member), then the queued inputs are finished and
     * acknowledged (at most {@value #DRAIN_MILLIS} ms): what a persistent session still held unacknowledged would
     * wait for this member's return instead of going to the others. Without one, queued messages are discarded
     * (unacknowledged, the broker delivers them again to this client).
     */
    public void stop() {
        connection.unsubscribe(filter(settings));
        if (!shareGroup.isEmpty()) {
            draining = true;
            try {
                thread.join(DRAIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!queue.isEmpty()) {
                LOG.warn("Text pipeline {} stopped with {} inputs unfinished; they stay with this member's session",
                        settings.name(), queue.size());
            }
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shadow.stop();
    }

    /**
     * Hands a message over; called on the MQTT callback thread. Never blocks, except with the overflow
     * policy {@code hold-acks}, which makes the intake wait for room on purpose (backpressure). An input is
     * acknowledged once its result or dead letter is in the connection's publish store; a dropped one at once.
     *
     * @param in the message
     */
    public void offer(InboundMessage in) {
        received.incrementAndGet();
        InboundMessage m = in;
        if (in.payload().length > settings.maxPayloadBytes()) {
            // keep only what the dead letter shows, so a flood of huge payloads cannot fill the heap
            m = in.withPayload(Arrays.copyOf(in.payload(), OVERSIZE_KEPT));
            oversize.put(m, in.payload().length);
        }
        if (queue.offer(m)) {
            return;
        }
        String policy = settings.overflowPolicy();
        if (policy.equals("hold-acks")) {
            held.incrementAndGet();
            logOnce("hold", "Text pipeline {} queue full ({}); holding the intake until there is room (counted)",
                    settings.name(), settings.queueCapacity());
            try {
                while (running) {
                    if (queue.offer(m, 500, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            oversize.remove(m); // stopping: left unacknowledged, the broker delivers it again
            return;
        }
        InboundMessage gone = policy.equals("drop-oldest") ? queue.poll() : m;
        if (gone != m && !queue.offer(m)) {
            drop(m);
        }
        if (gone != null) {
            drop(gone);
        }
        logOnce("overflow", "Text pipeline {} queue full ({}); dropping the {} messages (counted)", settings.name(),
                settings.queueCapacity(), policy.equals("drop-oldest") ? "oldest" : "newest");
    }

    private void drop(InboundMessage m) {
        dropped.incrementAndGet();
        oversize.remove(m);
        m.acknowledge();
    }

    private void run() {
        while (running) {
            InboundMessage m;
            try {
                m = queue.poll(draining ? 50 : 500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (m == null && draining) {
                    return; // stopping: everything queued is finished
                } else if (m == null) {
                    prepareFewShot(settings); // idle: embed changed intents before traffic needs them
                } else if (settings.batchSize() > 1) {
                    processBatch(collect(m, settings));
                } else {
                    process(m);
                }
            } catch (RuntimeException e) {
                if (m != null) {
                    reject(m, "internal-error", "unexpected failure: " + e, m.payload().length);
                }
                LOG.error("Text pipeline {} failed", settings.name(), e);
            }
        }
    }

    /**
     * A micro-batch: {@code first} and whatever else arrives, up to {@code batch.size} messages or until
     * {@code batch.linger.ms} after {@code first} was taken, whichever comes first. Under load the queue holds
     * enough and nobody waits; when traffic is light a message waits at most the linger time.
     */
    private List<InboundMessage> collect(InboundMessage first, TextSettings s) {
        List<InboundMessage> batch = new ArrayList<>(s.batchSize());
        batch.add(first);
        queue.drainTo(batch, s.batchSize() - 1);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(s.batchLingerMillis());
        while (batch.size() < s.batchSize()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            InboundMessage next;
            try {
                next = queue.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stopping: finish this batch, the loop then ends
                break;
            }
            if (next == null) {
                break;
            }
            batch.add(next);
            queue.drainTo(batch, s.batchSize() - batch.size());
        }
        return batch;
    }

    void process(InboundMessage m) {
        stages.get("queue").record(System.nanoTime() - m.receivedNanos());
        TextSettings s = settings;
        String text = decode(m, s);
        if (text == null) {
            return;
        }
        TextEncoder encoder = models.encoder(s.encoder());
        if (encoder == null) {
            reject(m, "no-model", "encoder " + s.encoder() + " is not serving", m.payload().length);
            return;
        }
        try {
            understand(m, s, encoder, text, encoder.embedText(text));
        } catch (RejectedTextException e) {
            reject(m, e.code(), e.getMessage(), m.payload().length);
        } catch (InferenceException e) {
            reject(m, "inference-failed", e.getMessage(), m.payload().length);
        }
    }

    /**
     * A micro-batch: decodes every message (rejects go to the dead-letter topic at once), runs the encoder
     * once for all decoded texts, then classifies and publishes each in input order. When the batched run
     * fails, each text runs alone so that only the one that fails is dead-lettered.
     */
    void processBatch(List<InboundMessage> batch) {
        long taken = System.nanoTime();
        batch.forEach(m -> stages.get("queue").record(taken - m.receivedNanos()));
        TextSettings s = settings;
        List<InboundMessage> accepted = new ArrayList<>(batch.size());
        List<String> texts = new ArrayList<>(batch.size());
        for (InboundMessage m : batch) {
            String text = decode(m, s);
            if (text != null) {
                accepted.add(m);
                texts.add(text);
            }
        }
        if (accepted.isEmpty()) {
            return;
        }
        TextEncoder encoder = models.encoder(s.encoder());
        if (encoder == null) {
            accepted.forEach(m -> reject(m, "no-model", "encoder " + s.encoder() + " is not serving",
                    m.payload().length));
            return;
        }
        List<TextEmbedding> embedded = null;
        if (accepted.size() > 1) {
            try {
                embedded = encoder.embedBatch(texts);
                batchRuns.incrementAndGet();
                batchTexts.addAndGet(texts.size());
            } catch (RuntimeException e) {
                LOG.debug("Text pipeline {}: batch of {} failed ({}); running its texts one by one", s.name(),
                        texts.size(), e.getMessage());
            }
        }
        for (int i = 0; i < accepted.size(); i++) {
            InboundMessage m = accepted.get(i);
            try {
                TextEmbedding e = embedded != null ? embedded.get(i) : encoder.embedText(texts.get(i));
                understand(m, s, encoder, texts.get(i), e);
            } catch (RejectedTextException e) {
                reject(m, e.code(), e.getMessage(), m.payload().length);
            } catch (InferenceException e) {
                reject(m, "inference-failed", e.getMessage(), m.payload().length);
            } catch (RuntimeException e) {
                reject(m, "internal-error", "unexpected failure: " + e, m.payload().length);
                LOG.error("Text pipeline {} failed", s.name(), e);
            }
        }
    }

    /** The message's text, or null after rejecting it (oversize, not decodable, too long). */
    private String decode(InboundMessage m, TextSettings s) {
        Integer originalSize = oversize.isEmpty() ? null : oversize.remove(m);
        if (originalSize != null) {
            reject(m, "oversize", "payload of " + originalSize + " bytes exceeds the limit of " + s.maxPayloadBytes()
                    + " bytes", originalSize);
            return null;
        }
        if (m.topic().indexOf('\u241A') >= 0) { // the MQTT connection's stand-in for characters Paho refuses
            reject(m, "bad-topic", "topic has characters the MQTT client cannot take (control characters, U+FDD0 "
                    + "and above, emoji or invalid UTF-8); they arrived replaced by U+241A", m.payload().length);
            return null;
        }
        if (!MqttTopics.fits(s.outputTopicPrefix() + "/" + m.topic())) {
            reject(m, "bad-topic", "the result topic for this input topic would be longer than MQTT's "
                    + MqttTopics.MAX_BYTES + " bytes", m.payload().length);
            return null;
        }
        try {
            return new TextDecoder(s.textField(), s.maxTextLength()).decode(m.payload());
        } catch (RejectedTextException e) {
            reject(m, e.code(), e.getMessage(), m.payload().length);
            return null;
        }
    }

    /**
     * Intent, entities and the result for one text whose encoder run is done: the pooled vector feeds the
     * intent, the token states of the same run feed the slot head, the encoding tells truncation.
     */
    private void understand(InboundMessage m, TextSettings s, TextEncoder encoder, String text, TextEmbedding run)
            throws RejectedTextException {
        float[] embedding = run.sentence();
        IntentResult intent = null;
        String intentModel = null;
        ModelRunner intentHead = null;
        if (s.wantsIntent()) {
            if (s.intentModel().isEmpty()) {
                FewShotClassifier fs = prepareFewShot(s);
                if (fs == null) {
                    throw new RejectedTextException("no-model", "no few-shot intents are configured (intents)");
                }
                intent = fs.classify(embedding, s.temperature(), s.minSimilarity(), Math.max(0, s.oosThreshold()));
                intentModel = "few-shot";
            } else {
                intentHead = head(s.intentModel(), encoder);
                float[] input = HeadInputs.sentence(intentHead, encoder, embedding, text, models::encoder);
                intent = HeadClassifier.classify(intentHead, input, s.oosThreshold());
                intentModel = intentHead.info().id();
            }
        }
        List<Entity> entities = null;
        if (s.wantsEntities()) {
            ModelRunner slots = head(s.slotModel(), encoder);
            TokenEmbeddings tokens = run.tokenEmbeddings();
            float[][] probs = slots.run(HeadInputs.tokens(slots, tokens, text));
            if (probs.length != tokens.vectors().length || probs[0].length != slots.info().labels().size()) {
                throw new InferenceException("slot model " + slots.info().id() + " returned " + probs.length + "x"
                        + probs[0].length + " for " + tokens.vectors().length + " tokens and "
                        + slots.info().labels().size() + " labels");
            }
            entities = BioDecoder.decode(text, tokens.encoding(), probs, slots.info().labels());
        }
        boolean truncated = run.truncated();
        byte[] out = TextResultEncoder.result(m.topic(), text, intent, intentModel, entities,
                s.wantsEmbedding() ? embedding : null, encoder.info().id(), truncated);
        connection.publish(s.outputTopicPrefix() + "/" + m.topic(), out, s.outputQos(), false,
                MqttConnection.PRIORITY_NORMAL, m::acknowledge);
        published.incrementAndGet();
        long sinceReceipt = System.nanoTime() - m.receivedNanos();
        latency.record(sinceReceipt / 1000);
        stages.get("total").record(sinceReceipt);
        // after the live result is on its way, and not while the live path is behind
        shadow.offer(s, text, encoder, embedding, intent, intentHead, TextShadowScoring.behind(queue.size(), s));
        if (LOG.isTraceEnabled()) {
            LOG.trace("Text pipeline {}: {} -> {}", s.name(), m.topic(), intent);
        }
    }

    /** A head model that exists and was trained on this encoder's embeddings. */
    private ModelRunner head(String name, TextEncoder encoder) throws RejectedTextException {
        ModelRunner head = models.model(name);
        if (head == null) {
            throw new RejectedTextException("no-model", "model " + name + " is not serving");
        }
        List<String> wants = HeadInputs.encoders(head, encoder.info().name());
        if (!wants.contains(encoder.info().name())) {
            throw new RejectedTextException("model-mismatch", "model " + head.info().id() + " needs encoder "
                    + String.join(",", wants) + ", the pipeline uses " + encoder.info().name());
        }
        return head;
    }

    /** The few-shot classifier for the settings and serving encoder, re-embedded when either changed. */
    private FewShotClassifier prepareFewShot(TextSettings s) {
        if (!s.wantsIntent() || !s.intentModel().isEmpty() || s.intents().isEmpty()) {
            return null;
        }
        TextEncoder encoder = models.encoder(s.encoder());
        if (encoder == null) {
            return null;
        }
        if (fewShot == null || !fewShot.key().equals(FewShotClassifier.keyOf(encoder, s.intents()))) {
            long start = System.nanoTime();
            fewShot = FewShotClassifier.build(encoder, s.intents());
            LOG.info("Text pipeline {}: {} few-shot intents embedded with {} in {} ms", s.name(), s.intents().size(),
                    encoder.info().id(), (System.nanoTime() - start) / 1_000_000);
        }
        return fewShot;
    }

    private void reject(InboundMessage m, String code, String reason, int payloadBytes) {
        rejected.incrementAndGet();
        TextSettings s = settings;
        byte[] dl = TextResultEncoder.deadLetter(s.name(), m.topic(), code, reason, m.payload(), payloadBytes,
                System.currentTimeMillis());
        connection.publish(MqttTopics.deadLetterTopic(s.deadLetterTopicPrefix(), m.topic()), dl, 1, false,
                MqttConnection.PRIORITY_NORMAL, m::acknowledge);
        logOnce(code, "Text pipeline {} rejected a message from {}: {} (further '{}' rejections are logged at DEBUG"
                + " and counted in edgeai:pipelines)", s.name(), m.topic(), reason, code);
    }

    private void logOnce(String code, String format, Object... args) {
        if (loggedReasons.add(code)) {
            LOG.warn(format, args);
        } else {
            LOG.debug(format, args);
        }
    }

    /**
     * @param connectionName connection name for display
     * @return counters and state
     */
    /** @return latency histograms of the stages: "queue" (receipt until taken) and "total" (until published) */
    public Map<String, LatencyHistogram> stageLatencies() {
        Map<String, LatencyHistogram> out = new java.util.LinkedHashMap<>();
        stages.forEach((k, v) -> out.put(k, v.snapshot()));
        return out;
    }

    public PipelineStatus status(String connectionName) {
        TextSettings s = settings;
        TextEncoder e = models.encoder(s.encoder());
        return new PipelineStatus(s.name(), "text", s.inputTopic(), s.outputTopicPrefix(), e == null ? "" : e.info().id(),
                connectionName, received.get(), published.get(), rejected.get(), dropped.get(), queue.size(),
                s.queueCapacity(), s.intents().size(), 0, latency.percentile(50), latency.percentile(99),
                s.overflowPolicy(), held.get(), 0);
    }

    /** @return how shadow candidates of the encoder or intent head compared with the serving versions */
    public List<io.edgeai.gateway.api.ShadowComparison> shadowComparisons() {
        return shadow.comparisons();
    }

    /** @return encoder runs that took a micro-batch of more than one text */
    long batchRuns() {
        return batchRuns.get();
    }

    /** @return texts embedded in micro-batches of more than one */
    long batchTexts() {
        return batchTexts.get();
    }

    /** @return the settings in force */
    public TextSettings settings() {
        return settings;
    }
}
