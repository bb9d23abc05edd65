package io.edgeai.gateway.nlp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.api.InferenceException;
import io.edgeai.gateway.api.LatencyRecorder;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.MqttTopics;
import io.edgeai.gateway.api.TextEmbedding;
import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.api.TokenEmbeddings;
import io.edgeai.gateway.intake.InputChecks;
import io.edgeai.gateway.intake.Intake;
import io.edgeai.gateway.intake.PipelineStages;
import io.edgeai.gateway.intake.StageClock;
import io.edgeai.gateway.nlp.internal.decode.RejectedTextException;
import io.edgeai.gateway.nlp.internal.decode.TextDecoder;
import io.edgeai.gateway.nlp.internal.encode.TextResultEncoder;
import io.edgeai.gateway.nlp.internal.intent.FewShotClassifier;
import io.edgeai.gateway.nlp.internal.intent.HeadClassifier;
import io.edgeai.gateway.nlp.internal.intent.IntentResult;
import io.edgeai.gateway.nlp.internal.slots.Entity;

/**
 * The text pipeline's stages in order, on its intake's thread: decode, embed, intent, entities, encode, publish.
 * The encoder runs once per text (pooled vector, token states and truncation all come from that run), or, with
 * {@code batch.size} above 1, once per micro-batch of texts. Few-shot intents are embedded on this thread when the
 * configuration or the encoder changes, before the next message is classified.
 */
final class TextStages implements PipelineStages {
    private static final Logger LOG = LoggerFactory.getLogger(TextWorker.class);

    /** The stages, named here once: "queue" from receipt until taken, and "total" until the result is queued. */
    final StageClock clock = new StageClock("queue");

    private final LatencyRecorder queueStage = clock.stage("queue");
    private final ModelLookup models;
    /** Encoder runs that took more than one text, and the texts they took. */
    final AtomicLong batchRuns = new AtomicLong();

    final AtomicLong batchTexts = new AtomicLong();
    private volatile TextSettings settings;
    private FewShotClassifier fewShot;
    /** Compares answered texts with shadow candidates, on a thread of its own. */
    final TextShadowScoring shadow;

    private Intake intake;
    /** The uplink policy (intents and entities up another connection); off by default. */
    private volatile TextUplinkSettings uplink = TextUplinkSettings.OFF;
    /** The connection of a name (null while there is none). */
    private volatile Function<String, MqttConnection> connections = n -> null;

    /**
     * @param settings pipeline settings
     * @param models the serving models by name
     */
    TextStages(TextSettings settings, ModelLookup models) {
        this.settings = settings;
        this.models = models;
        this.shadow = new TextShadowScoring(settings.name(), models);
    }

    /** @param owner the intake these stages run on (set once, before it starts) */
    void bind(Intake owner) {
        this.intake = owner;
    }

    /** @return the settings in force */
    TextSettings settings() {
        return settings;
    }

    /** @param next changed settings: messages taken after this see them */
    void settings(TextSettings next) {
        settings = next;
    }

    /**
     * @param policy the uplink policy: messages taken after this see it
     * @param byName the connection of a name (null while there is none)
     */
    void uplink(TextUplinkSettings policy, Function<String, MqttConnection> byName) {
        connections = byName;
        uplink = policy;
    }

    @Override
    public void process(List<InboundMessage> inputs) {
        if (inputs.size() > 1 || settings.batchSize() > 1) {
            processBatch(inputs);
        } else {
            process(inputs.get(0));
        }
    }

    @Override
    public void beforeInputs(boolean idle) {
        if (idle) {
            prepareFewShot(settings); // embed changed intents before traffic needs them
        }
    }

    void process(InboundMessage m) {
        queueStage.record(System.nanoTime() - m.receivedNanos());
        TextSettings s = settings;
        String text = decode(m, s);
        if (text == null) {
            return;
        }
        TextEncoder encoder = models.encoder(s.encoder());
        if (encoder == null) {
            intake.reject(m, "no-model", "encoder " + s.encoder() + " is not serving");
            return;
        }
        try {
            understand(m, s, encoder, text, encoder.embedText(text));
        } catch (RejectedTextException e) {
            intake.reject(m, e.code(), e.getMessage());
        } catch (InferenceException e) {
            intake.reject(m, "inference-failed", e.getMessage());
        }
    }

    /**
     * A micro-batch: decodes every message (rejects go to the dead-letter topic at once), runs the encoder
     * once for all decoded texts, then classifies and publishes each in input order. When the batched run
     * fails, each text runs alone so that only the one that fails is dead-lettered.
     */
    void processBatch(List<InboundMessage> batch) {
        long taken = System.nanoTime();
        batch.forEach(m -> queueStage.record(taken - m.receivedNanos()));
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
            accepted.forEach(m -> intake.reject(m, "no-model", "encoder " + s.encoder() + " is not serving"));
            return;
        }
        List<TextEmbedding> embedded = null;
        if (accepted.size() > 1) {
            try {
                embedded = encoder.embedBatch(texts);
                batchRuns.incrementAndGet();
                batchTexts.addAndGet(texts.size());
            } catch (RuntimeException e) {
                LOG.debug(
                        "Text pipeline {}: batch of {} failed ({}); running its texts one by one",
                        s.name(),
                        texts.size(),
                        e.getMessage());
            }
        }
        for (int i = 0; i < accepted.size(); i++) {
            InboundMessage m = accepted.get(i);
            try {
                TextEmbedding e = embedded != null ? embedded.get(i) : encoder.embedText(texts.get(i));
                understand(m, s, encoder, texts.get(i), e);
            } catch (RejectedTextException e) {
                intake.reject(m, e.code(), e.getMessage());
            } catch (InferenceException e) {
                intake.reject(m, "inference-failed", e.getMessage());
            } catch (RuntimeException e) {
                intake.reject(m, "internal-error", "unexpected failure: " + e);
                LOG.error("Text pipeline {} failed", s.name(), e);
            }
        }
    }

    /** The message's text, or null after rejecting it (oversize, not decodable, too long). */
    private String decode(InboundMessage m, TextSettings s) {
        if (InputChecks.oversize(intake, m, s.maxPayloadBytes()) || InputChecks.badTopic(intake, m)) {
            return null;
        }
        TextUplinkSettings up = uplink;
        if (!MqttTopics.fits(s.outputTopicPrefix() + "/" + m.topic())
                || (up.enabled() && !MqttTopics.fits(up.topic(m.topic())))) {
            intake.reject(
                    m,
                    "bad-topic",
                    "the result topic for this input topic would be longer than MQTT's " + MqttTopics.MAX_BYTES
                            + " bytes");
            return null;
        }
        try {
            return new TextDecoder(s.textField(), s.maxTextLength()).decode(m.payload());
        } catch (RejectedTextException e) {
            intake.reject(m, e.code(), e.getMessage());
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
        ModelRunner slots = null;
        TokenEmbeddings tokens = null;
        if (s.wantsEntities()) {
            slots = head(s.slotModel(), encoder);
            tokens = run.tokenEmbeddings();
            entities = SlotTagger.entities(slots, tokens, text);
        }
        boolean truncated = run.truncated();
        byte[] out = TextResultEncoder.result(
                m.topic(),
                text,
                intent,
                intentModel,
                entities,
                s.wantsEmbedding() ? embedding : null,
                encoder.info().id(),
                truncated);
        intake.publish(m, s.outputTopicPrefix() + "/" + m.topic(), out, s.outputQos(), MqttConnection.PRIORITY_NORMAL);
        TextUplinkSettings up = uplink;
        if (up.enabled()) {
            byte[] b = TextResultEncoder.uplink(
                    s.name(),
                    m.topic(),
                    up.rawText() ? text : null,
                    intent,
                    intentModel,
                    entities,
                    encoder.info().id(),
                    truncated);
            String name = up.connection();
            Function<String, MqttConnection> byName = connections;
            intake.publish(
                    () -> byName.apply(name), name, m, up.topic(m.topic()), b, 1, MqttConnection.PRIORITY_NORMAL);
        }
        intake.settle(m);
        intake.answered(m, System.nanoTime());
        // after the live result is on its way, and not while the live path is behind
        shadow.offer(
                new TextShadowScoring.Live(s, text, encoder, embedding, intent, intentHead, tokens, slots, entities),
                TextShadowScoring.behind(intake.queue().size(), s));
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
        HeadInputs.requireEncoder(head, encoder);
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
            LOG.info(
                    "Text pipeline {}: {} few-shot intents embedded with {} in {} ms",
                    s.name(),
                    s.intents().size(),
                    encoder.info().id(),
                    (System.nanoTime() - start) / 1_000_000);
        }
        return fewShot;
    }

    /** @return how shadow candidates of the encoder or intent head compared with the serving versions */
    List<io.edgeai.gateway.api.ShadowComparison> shadowComparisons() {
        return shadow.comparisons();
    }
}
