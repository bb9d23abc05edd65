package io.edgeai.gateway.pipeline.internal;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.api.InferenceException;
import io.edgeai.gateway.api.LatencyRecorder;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.ShadowComparison;
import io.edgeai.gateway.intake.InputChecks;
import io.edgeai.gateway.intake.Intake;
import io.edgeai.gateway.intake.PipelineStages;
import io.edgeai.gateway.intake.StageClock;
import io.edgeai.gateway.pipeline.internal.decide.AlarmEvent;
import io.edgeai.gateway.pipeline.internal.decide.AlarmPolicy;
import io.edgeai.gateway.pipeline.internal.decode.PayloadDecoder;
import io.edgeai.gateway.pipeline.internal.decode.Reading;
import io.edgeai.gateway.pipeline.internal.decode.RejectedInputException;
import io.edgeai.gateway.pipeline.internal.detect.AnomalyScorer;
import io.edgeai.gateway.pipeline.internal.detect.Score;
import io.edgeai.gateway.pipeline.internal.detect.SeriesState;
import io.edgeai.gateway.pipeline.internal.encode.ResultEncoder;
import io.edgeai.gateway.pipeline.internal.group.KeyAffinity;
import io.edgeai.gateway.pipeline.internal.uplink.HistoryRequests;
import io.edgeai.gateway.pipeline.internal.uplink.Uplink;
import io.edgeai.gateway.pipeline.internal.uplink.UplinkSettings;

/**
 * The anomaly pipeline's stages in order, on its intake's thread: decode, window and score with the serving model
 * (infer), decide, encode and publish; then the shadow candidate, if any. A redelivered input (DUP) whose reading
 * is not newer than its series' last scored one is acknowledged without being scored again. With key affinity,
 * inputs of topics another member owns are kept for a takeover and replayed when one happens.
 */
final class AnomalyStages implements PipelineStages {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineWorker.class);

    /** The stages, named here once: decode, infer (window + model), decide, publish (and total). */
    final StageClock clock = new StageClock("decode", "infer", "decide", "publish");

    private final LatencyRecorder decodeStage = clock.stage("decode");
    private final LatencyRecorder inferStage = clock.stage("infer");
    private final LatencyRecorder decideStage = clock.stage("decide");
    private final LatencyRecorder publishStage = clock.stage("publish");
    private final Supplier<ModelRunner> shadowModel;
    private final ShadowScoring shadow;
    private final SwapSafeModel swapSafe;
    final SeriesTable series;
    private final ScoringModel scoring;
    /** On-demand detail requests, served between inputs. */
    final HistoryRequests history = new HistoryRequests();
    /** Redelivered inputs already scored (acknowledged without scoring them again). */
    final AtomicLong duplicates = new AtomicLong();

    private volatile PipelineSettings settings;
    private volatile PayloadDecoder decoder;
    private volatile KeyAffinity affinity;
    /** The uplink policy (alarms, evidence, summaries up another connection); off by default. */
    private volatile Uplink uplink = new Uplink(UplinkSettings.OFF, n -> null, System::currentTimeMillis);
    /** Whether inputs of a topic taken over are being replayed (intake thread only). */
    private boolean replaying;

    private Intake intake;

    /**
     * @param settings pipeline settings
     * @param model supplies the serving model (may change between calls; may be null)
     * @param shadowModel supplies the model's shadow candidate (may change between calls; null when none)
     */
    AnomalyStages(PipelineSettings settings, Supplier<ModelRunner> model, Supplier<ModelRunner> shadowModel) {
        this.settings = settings;
        this.decoder = settings.decoder();
        this.shadowModel = shadowModel;
        this.shadow = new ShadowScoring(settings.name());
        this.series = new SeriesTable(shadow);
        this.scoring = new ScoringModel(model, series, settings.name());
        this.swapSafe = new SwapSafeModel(model);
    }

    /** @param owner the intake these stages run on (set once, before it starts) */
    void bind(Intake owner) {
        this.intake = owner;
    }

    /** @return the settings in force */
    PipelineSettings settings() {
        return settings;
    }

    /** @param next changed settings; a changed payload format or limit gets a new decoder */
    void settings(PipelineSettings next) {
        PipelineSettings prev = settings;
        settings = next;
        if (!prev.payloadFormat().equals(next.payloadFormat())
                || prev.maxPayloadBytes() != next.maxPayloadBytes()
                || prev.maxBatch() != next.maxBatch()
                || !prev.valueField().equals(next.valueField())
                || !prev.tsField().equals(next.tsField())) {
            // (a new Sparkplug decoder forgets the aliases until the next birth certificates)
            decoder = next.decoder();
        }
    }

    /** @param keys key affinity, null for none */
    void affinity(KeyAffinity keys) {
        this.affinity = keys;
    }

    @Override
    public void process(List<InboundMessage> inputs) {
        inputs.forEach(this::process);
    }

    @Override
    public void beforeInputs(boolean idle) {
        if (affinity != null) {
            // before the message: inputs of a taken-over topic kept from the gap come first, in order
            replayTakenOver();
        }
    }

    @Override
    public void afterInputs() {
        evictIdle(System.nanoTime());
        uplink.tick(intake, settings.name());
        history.serve(settings.name(), uplink.settings(), series::uplinkNamed);
    }

    /** @param up the uplink policy at work (set before the intake starts) */
    void uplink(Uplink up) {
        this.uplink = up;
    }

    /** @return the uplink policy at work */
    Uplink uplink() {
        return uplink;
    }

    /** @param topic an input topic whose series go (key affinity: ownership moved) */
    void forgetTopic(String topic) {
        series.forgetTopic(topic);
    }

    /**
     * Drops the state of series not seen for {@code seriesIdleSeconds}, a few per turn.
     *
     * @param nowNanos {@link System#nanoTime()}
     * @return series evicted
     */
    int evictIdle(long nowNanos) {
        return series.evictIdle(nowNanos, settings.seriesIdleSeconds(), settings.name());
    }

    /** @param heapUsedAfterGcPercent the heap figure the admission of new series reads (tests) */
    void heapGauge(IntSupplier heapUsedAfterGcPercent) {
        series.heapGauge(heapUsedAfterGcPercent);
    }

    /** After a membership change: processes the unanswered inputs of topics this member took over. */
    private void replayTakenOver() {
        List<InboundMessage> again = affinity.tick(System.currentTimeMillis());
        if (again.isEmpty()) {
            return;
        }
        LOG.info(
                "Pipeline {}: group membership changed; replaying {} unanswered inputs of topics taken over",
                settings.name(),
                again.size());
        replaying = true;
        try {
            again.forEach(m -> intake.handle(List.of(m)));
        } finally {
            replaying = false;
        }
    }

    /** Keeps an input of a topic another member owns; undecodable ones are the owner's to dead-letter. */
    private void holdForTakeover(InboundMessage m, long now) {
        try {
            affinity.hold(m, decoder.decodeAll(m.topic(), m.payload(), now), now);
        } catch (RejectedInputException e) {
            // the owner rejects it with its reason
        }
    }

    void process(InboundMessage m) {
        PipelineSettings s = settings;
        long now = System.currentTimeMillis();
        if (InputChecks.oversize(intake, m, s.maxPayloadBytes())) {
            return;
        }
        KeyAffinity keys = affinity;
        if (keys != null && !keys.owns(m.topic())) {
            holdForTakeover(m, now);
            return;
        }
        if (InputChecks.badTopic(intake, m)) {
            return;
        }
        List<Reading> readings;
        long t0 = System.nanoTime();
        try {
            readings = decoder.decodeAll(m.topic(), m.payload(), now);
        } catch (RejectedInputException e) {
            intake.reject(m, e.code(), e.getMessage());
            return;
        }
        decodeStage.record(System.nanoTime() - t0);
        for (Reading r : readings) {
            if (!score(m, r, s)) {
                return;
            }
        }
    }

    /**
     * Windows, scores, decides and publishes one reading.
     *
     * @return false when the message was rejected (the rest of its readings are dropped with it)
     */
    private boolean score(InboundMessage m, Reading r, PipelineSettings s) {
        long t1 = System.nanoTime();
        ModelRunner runner = scoring.await(intake::running);
        if (runner == null) {
            intake.reject(m, "no-model", "no model is serving this pipeline");
            return false;
        }
        int window = scoring.window(runner.info());
        if (window > s.maxWindow()) {
            intake.reject(
                    m,
                    "window-too-large",
                    "model " + runner.info().id() + " keeps " + window + " values per series, " + "more than maxWindow "
                            + s.maxWindow());
            return false;
        }
        // one series per topic and quantity: multi-value formats carry several quantities per topic
        String key = m.topic() + " " + r.quantity();
        SeriesTable.Series ser = series.get(key);
        if (ser == null) {
            AnomalyScorer sc = scoring.scorer(runner.info());
            SeriesAdmission.Refusal no = series.refusal(s);
            if (no != null) {
                intake.reject(m, "too-many-series", no.reason(), m.payload().length, "too-many-series " + no.limit());
                return false;
            }
            Uplink up = uplink;
            ser = series.add(key, sc.newSeries(), up.enabled() ? up.of(null, r.device() + "/" + r.quantity()) : null);
        }
        ser.seenNanos = System.nanoTime();
        if (m.duplicate() && r.epochMillis() <= ser.lastMillis) {
            // scored before this redelivery: its result is already in the store
            duplicates.incrementAndGet();
            return true;
        }
        ser.lastMillis = Math.max(ser.lastMillis, r.epochMillis());
        series.scored(ser, key);
        Score score;
        swapSafe.begin(runner);
        try {
            score = scoring.scorer(runner.info()).score(ser.state, swapSafe, r.epochMillis(), r.value());
        } catch (InferenceException e) {
            intake.reject(m, "inference-failed", e.getMessage());
            return false;
        }
        runner = swapSafe.used();
        long t2 = System.nanoTime();
        inferStage.record(t2 - t1);
        AlarmEvent event = AlarmEvent.NONE;
        AlarmPolicy policy = scoring.policy(s, runner.info());
        if (!score.warmingUp()) {
            event = ser.alarm.update(score.score(), policy);
            series.edge(event);
        }
        long t3 = System.nanoTime();
        decideStage.record(t3 - t2);
        String suffix = "/" + r.device() + "/" + r.quantity();
        KeyAffinity keys = affinity;
        byte[] out = keys == null
                ? ResultEncoder.result(
                        r,
                        score.score(),
                        ser.alarm.active(),
                        event,
                        score.warmingUp(),
                        runner.info().id())
                : ResultEncoder.result(
                        r,
                        score.score(),
                        ser.alarm.active(),
                        event,
                        score.warmingUp(),
                        runner.info().id(),
                        keys.self(),
                        keys.ownerChanged(m.topic()),
                        replaying);
        intake.publish(m, s.outputTopicPrefix() + suffix, out, s.outputQos(), MqttConnection.PRIORITY_NORMAL);
        if (event != AlarmEvent.NONE && !s.alarmTopicPrefix().isEmpty()) {
            intake.publish(m, s.alarmTopicPrefix() + suffix, out, 1, MqttConnection.PRIORITY_HIGH);
            LOG.info(
                    "Pipeline {}: {} on {}/{} (score {})",
                    s.name(),
                    event.wireName(),
                    r.device(),
                    r.quantity(),
                    String.format("%.3f", score.score()));
        }
        Uplink up = uplink;
        if (up.enabled()) {
            if (!up.fits(ser.uplink)) {
                ser.uplink = up.of(ser.uplink, r.device() + "/" + r.quantity());
            }
            up.reading(
                    intake,
                    s.name(),
                    m,
                    ser.uplink,
                    r.epochMillis(),
                    r.value(),
                    score.score(),
                    event,
                    out,
                    runner.info().id());
        }
        long t4 = System.nanoTime();
        publishStage.record(t4 - t3);
        intake.answered(m, t4);
        shadowScore(key, ser.state, score, runner, policy);
        return true;
    }

    /**
     * Scores the reading with the shadow candidate, after its live result went to publish. The live path
     * comes first: while the ingest queue is more than half full, readings are not shadow-scored (counted).
     */
    private void shadowScore(String topic, SeriesState state, Score live, ModelRunner runner, AlarmPolicy policy) {
        ModelRunner candidate = shadowModel.get();
        if (candidate == null || candidate == runner) {
            shadow.end();
            return;
        }
        if (intake.queue().size() > settings.queueCapacity() / 2) {
            shadow.skip(candidate, runner.info());
            return;
        }
        shadow.score(topic, state, live, runner.info(), candidate, policy.threshold());
    }

    /** @return how shadow candidates compared with the serving model on these readings */
    List<ShadowComparison> shadowComparisons() {
        return shadow.comparisons();
    }
}
