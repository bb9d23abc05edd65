package io.edgeai.gateway.pipeline.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.api.InferenceException;
import io.edgeai.gateway.api.LatencyHistogram;
import io.edgeai.gateway.api.LatencyRecorder;
import io.edgeai.gateway.api.ModelInfo;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.PipelineStatus;
import io.edgeai.gateway.intake.Intake;
import io.edgeai.gateway.intake.IntakeSettings;
import io.edgeai.gateway.intake.Overflow;
import io.edgeai.gateway.intake.StageClock;
import io.edgeai.gateway.pipeline.internal.decide.AlarmEvent;
import io.edgeai.gateway.pipeline.internal.decide.AlarmPolicy;
import io.edgeai.gateway.pipeline.internal.decide.AlarmState;
import io.edgeai.gateway.pipeline.internal.decode.Float32Decoder;
import io.edgeai.gateway.pipeline.internal.decode.PayloadDecoder;
import io.edgeai.gateway.pipeline.internal.decode.Reading;
import io.edgeai.gateway.pipeline.internal.decode.ReadingDecoder;
import io.edgeai.gateway.pipeline.internal.decode.RejectedInputException;
import io.edgeai.gateway.pipeline.internal.decode.SenmlDecoder;
import io.edgeai.gateway.pipeline.internal.decode.SparkplugDecoder;
import io.edgeai.gateway.pipeline.internal.detect.AnomalyScorer;
import io.edgeai.gateway.pipeline.internal.detect.Score;
import io.edgeai.gateway.pipeline.internal.detect.ScorerSettings;
import io.edgeai.gateway.pipeline.internal.detect.SeriesState;
import io.edgeai.gateway.pipeline.internal.encode.ResultEncoder;
import io.edgeai.gateway.pipeline.internal.group.KeyAffinity;
import io.edgeai.gateway.pipeline.internal.group.ScaleOut;

/**
 * The anomaly pipeline's stages in order, on the thread of its {@link Intake}: decode, window and score with the
 * serving model, decide, encode, publish. The MQTT callback only offers messages to the bounded queue.
 * An input is acknowledged to its broker once everything it produced (results, alarms, or its dead
 * letter) is in the output connection's publish store; a redelivered input (DUP) whose reading is not
 * newer than its series' last scored one is acknowledged without being scored again.
 */
public final class PipelineWorker {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineWorker.class);

    private final MqttConnection connection;
    private final Supplier<ModelRunner> model;
    private final Supplier<ModelRunner> shadowModel;
    private final ShadowScoring shadow;
    private final SwapSafeModel swapSafe;
    /** The stages, named here once: decode, infer (window + model), decide, publish (and total). */
    private final StageClock clock = new StageClock("decode", "infer", "decide", "publish");
    private final LatencyRecorder decodeStage = clock.stage("decode");
    private final LatencyRecorder inferStage = clock.stage("infer");
    private final LatencyRecorder decideStage = clock.stage("decide");
    private final LatencyRecorder publishStage = clock.stage("publish");
    private final Intake intake;
    /** Series by key, least recently seen first (access order), so idle ones are found at the head. */
    private final LinkedHashMap<String, Series> series = new LinkedHashMap<>(16, 0.75f, true);
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();
    /** Estimated heap of the series' state, for status (written by the worker). */
    private final AtomicLong seriesBytes = new AtomicLong();
    private final SeriesFootprint footprint = new SeriesFootprint();
    /** Whether the next new series is measured as a fresh state (a new scorer); worker thread only. */
    private boolean measureFresh = true;
    /** Readings scored, to sample a grown state now and then; worker thread only. */
    private long scoredCount;
    /** Readings between two measurements of a grown series state. */
    private static final int SAMPLE_EVERY = 1024;
    /** Most idle series evicted per worker turn (the sweep is amortised over turns). */
    private static final int EVICT_PER_TURN = 64;
    private SeriesAdmission admission = new SeriesAdmission(HeapHeadroom::usedAfterGcPercent);
    private final AtomicInteger seriesCount = new AtomicInteger();
    private final AtomicInteger alarms = new AtomicInteger();
    private volatile PipelineSettings settings;
    private volatile PayloadDecoder decoder;
    /** Shared subscription and key affinity in a gateway group; set before {@link #start()}. */
    private volatile ScaleOut scaleOut = ScaleOut.NONE;
    private volatile KeyAffinity affinity;
    /** Whether the worker is replaying inputs of a topic it took over (worker thread only). */
    private boolean replaying;
    private String scorerModel = "";
    /** How long readings wait for a model before they are dead-lettered ({@code no-model}). */
    private static final long MODEL_GRACE_NANOS = 30_000_000_000L;
    /** When the model went missing ({@link System#nanoTime()}), 0 while there is one; worker thread only. */
    private long noModelSince;
    private AnomalyScorer scorer;
    private ScorerSettings scorerSettings;
    // per-reading lookups kept for the last model and settings seen (worker thread only)
    private PipelineSettings policySettings;
    private ModelInfo policyModel;
    private AlarmPolicy policyCache;
    private ModelInfo windowModel;
    private int windowSize;

    private static final class Series {
        SeriesState state;
        final AlarmState alarm = new AlarmState();
        /** Time of the last scored reading, to recognise redelivered ones. */
        long lastMillis = Long.MIN_VALUE;
        /** When a reading of it was last processed ({@link System#nanoTime()}), for idle eviction. */
        long seenNanos;

        Series(SeriesState state) {
            this.state = state;
        }
    }

    /**
     * @param settings pipeline settings
     * @param connection broker connection to subscribe and publish on
     * @param model supplies the serving model (may change between calls; may be null)
     */
    public PipelineWorker(PipelineSettings settings, MqttConnection connection, Supplier<ModelRunner> model) {
        this(settings, connection, model, () -> null);
    }

    /**
     * @param settings pipeline settings
     * @param connection broker connection to subscribe and publish on
     * @param model supplies the serving model (may change between calls; may be null)
     * @param shadowModel supplies the model's shadow candidate (may change between calls; null when none)
     */
    public PipelineWorker(PipelineSettings settings, MqttConnection connection, Supplier<ModelRunner> model,
            Supplier<ModelRunner> shadowModel) {
        this(settings, connection, () -> connection, model, shadowModel);
    }

    /**
     * @param settings pipeline settings
     * @param connection broker connection to subscribe on
     * @param output the connection to publish on (may change; while it is null the worker waits)
     * @param model supplies the serving model (may change between calls; may be null)
     * @param shadowModel supplies the model's shadow candidate (may change between calls; null when none)
     */
    public PipelineWorker(PipelineSettings settings, MqttConnection connection, Supplier<MqttConnection> output,
            Supplier<ModelRunner> model, Supplier<ModelRunner> shadowModel) {
        this.settings = settings;
        this.shadowModel = shadowModel;
        this.shadow = new ShadowScoring(settings.name());
        this.decoder = decoderFor(settings);
        this.connection = connection;
        this.model = model;
        this.swapSafe = new SwapSafeModel(model);
        this.intake = new Intake(LOG, "edgeai-pipeline-" + settings.name(), intakeSettings(settings), output, clock,
                new Intake.Stages() {
                    @Override
                    public void process(List<InboundMessage> inputs) {
                        inputs.forEach(PipelineWorker.this::process);
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
                    }
                });
        intake.onFatal((t, e) -> FatalErrors.handle(t, e, FatalErrors.HALT));
    }

    private static IntakeSettings intakeSettings(PipelineSettings s) {
        return new IntakeSettings("Pipeline", s.name(), s.queueCapacity(), s.maxPayloadBytes(),
                Overflow.of(s.overflowPolicy()), s.deadLetterTopicPrefix(), 1, 0, s.outputConnection());
    }


    /**
     * Joins the worker to a gateway group from the next {@link #start()} on.
     *
     * @param scale shared subscription settings
     * @param keys key affinity, null for none
     * @return this worker
     */
    public PipelineWorker scaleOut(ScaleOut scale, KeyAffinity keys) {
        this.scaleOut = scale;
        this.affinity = keys;
        return this;
    }

    /** @return the key affinity, null when off */
    public KeyAffinity affinity() {
        return affinity;
    }

    /** @return the scale-out settings */
    public ScaleOut scaleOut() {
        return scaleOut;
    }

    /**
     * Drops the window state of a topic (worker thread: called by the key affinity when ownership moves).
     *
     * @param topic the input topic
     */
    public void forgetTopic(String topic) {
        String prefix = topic + " ";
        for (var it = series.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (e.getKey().startsWith(prefix)) {
                if (e.getValue().alarm.active()) {
                    alarms.decrementAndGet();
                }
                shadow.forget(e.getKey());
                it.remove();
            }
        }
        seriesChanged();
    }

    /**
     * Drops the state of series not seen for {@code seriesIdleSeconds}: the least recently seen are at the head
     * of the access-ordered table, so each turn looks at a few entries only and stops at the first one in use.
     *
     * @param nowNanos {@link System#nanoTime()}
     * @return series evicted
     */
    int evictIdle(long nowNanos) {
        long idle = settings.seriesIdleSeconds();
        if (idle == 0 || series.isEmpty()) {
            return 0;
        }
        long limit = idle * 1_000_000_000L;
        int n = 0;
        for (var it = series.entrySet().iterator(); it.hasNext() && n < EVICT_PER_TURN;) {
            var e = it.next();
            if (nowNanos - e.getValue().seenNanos <= limit) {
                break;
            }
            if (e.getValue().alarm.active()) {
                alarms.decrementAndGet();
            }
            shadow.forget(e.getKey());
            it.remove();
            n++;
        }
        if (n > 0) {
            evicted.addAndGet(n);
            seriesChanged();
            LOG.debug("Pipeline {}: {} series idle for {} s evicted", settings.name(), n, idle);
        }
        return n;
    }

    private void seriesChanged() {
        seriesCount.set(series.size());
        seriesBytes.set(series.size() * footprint.perSeries() + shadow.estimatedBytes());
    }

    /**
     * Replaces what the worker does on an {@link Error} (tests; by default it logs and halts the JVM).
     *
     * @param handler called with the thread's name and the error
     */
    void onFatal(java.util.function.BiConsumer<String, Throwable> handler) {
        intake.onFatal(handler);
    }

    /**
     * Replaces the heap figure the admission of new series reads (tests).
     *
     * @param heapUsedAfterGcPercent percent of the maximum heap in use after the last collection
     */
    void heapGauge(java.util.function.IntSupplier heapUsedAfterGcPercent) {
        this.admission = new SeriesAdmission(heapUsedAfterGcPercent);
    }

    /** Starts the worker thread and subscribes. */
    public void start() {
        intake.start();
        connection.subscribe(scaleOut.filter(settings.inputTopic()), settings.inputQos(), intake::offer, true);
    }


    /**
     * Applies changed settings live: thresholds and topics at once, series state is kept. A changed
     * queue capacity needs a new worker (the component restarts it).
     *
     * @param next the new settings
     */
    public void update(PipelineSettings next) {
        PipelineSettings prev = settings;
        intake.update(intakeSettings(next));
        settings = next;
        if (!prev.payloadFormat().equals(next.payloadFormat()) || prev.maxPayloadBytes() != next.maxPayloadBytes()
                || prev.maxBatch() != next.maxBatch() || !prev.valueField().equals(next.valueField())
                || !prev.tsField().equals(next.tsField())) {
            // (a new Sparkplug decoder forgets the aliases until the next birth certificates)
            decoder = decoderFor(next);
        }
        if (!prev.inputTopic().equals(next.inputTopic()) || prev.inputQos() != next.inputQos()) {
            connection.unsubscribe(scaleOut.filter(prev.inputTopic()));
            connection.subscribe(scaleOut.filter(next.inputTopic()), next.inputQos(), this::offer, true);
        }
        LOG.info("Pipeline {} updated live", next.name());
    }

    private static PayloadDecoder decoderFor(PipelineSettings s) {
        switch (s.payloadFormat()) {
            case "senml":
                return new SenmlDecoder(s.maxPayloadBytes(), s.maxBatch());
            case "sparkplug-b":
                return new SparkplugDecoder(s.maxPayloadBytes(), s.maxBatch());
            case "float32-le":
                return new Float32Decoder(s.maxPayloadBytes(), s.maxBatch());
            default:
                return new ReadingDecoder(s.maxPayloadBytes(), s.valueField(), s.tsField());
        }
    }

    /**
     * Takes over the readings of a stopped worker (a restart for a new configuration), before {@link #start()}, so
     * they keep their order ahead of newer ones: the one it was stopped in the middle of (waiting for its output
     * connection), those it had queued, and those its intake was holding.
     *
     * @param stopped a worker after {@link #stop()}
     */
    public void adopt(PipelineWorker stopped) {
        intake.adopt(stopped.intake);
    }

    /**
     * Unsubscribes, stops the thread and waits for it. Queued readings stay unacknowledged: a successor
     * takes them over ({@link #adopt}), otherwise the broker delivers them again to the next session.
     */
    public void stop() {
        stop(false);
    }

    /**
     * Stops for good (no successor adopts the queue). With a share group the broker's acknowledgement of the
     * unsubscribe comes first (no further share for this member), then the queued readings are finished and
     * acknowledged (at most {@link Intake#DRAIN_MILLIS} ms): what a persistent session still held unacknowledged
     * would wait for this member's return instead of going to the others.
     */
    public void finish() {
        stop(!scaleOut.shareGroup().isEmpty());
    }

    private void stop(boolean drain) {
        connection.unsubscribe(scaleOut.filter(settings.inputTopic()));
        intake.stop(drain);
    }

    /**
     * Hands a message over; called on the MQTT callback thread. Never blocks, except with the overflow
     * policy {@code hold-acks}, which makes the intake wait for room on purpose (backpressure).
     *
     * @param in the message
     */
    public void offer(InboundMessage in) {
        intake.offer(in);
    }

    /** After a membership change: processes the unanswered inputs of topics this member took over. */
    private void replayTakenOver() {
        List<InboundMessage> again = affinity.tick(System.currentTimeMillis());
        if (again.isEmpty()) {
            return;
        }
        LOG.info("Pipeline {}: group membership changed; replaying {} unanswered inputs of topics taken over",
                settings.name(), again.size());
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
        if (intake.rejectedOversize(m, s.maxPayloadBytes())) {
            return;
        }
        KeyAffinity keys = affinity;
        if (keys != null && !keys.owns(m.topic())) {
            holdForTakeover(m, now);
            return;
        }
        if (intake.rejectedBadTopic(m)) {
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
        ModelRunner runner = awaitModel();
        if (runner == null) {
            intake.reject(m, "no-model", "no model is serving this pipeline");
            return false;
        }
        int window = modelWindow(runner.info());
        if (window > s.maxWindow()) {
            intake.reject(m, "window-too-large", "model " + runner.info().id() + " keeps " + window + " values per series, "
                    + "more than maxWindow " + s.maxWindow());
            return false;
        }
        // one series per topic and quantity: multi-value formats carry several quantities per topic
        String key = m.topic() + " " + r.quantity();
        Series ser = series.get(key);
        if (ser == null) {
            AnomalyScorer sc = scorerFor(runner.info());
            SeriesAdmission.Refusal no = admission.check(s, series.size(), footprint.perSeries(),
                    series.size() * footprint.perSeries() + shadow.estimatedBytes());
            if (no != null) {
                intake.reject(m, "too-many-series", no.reason(), m.payload().length, "too-many-series " + no.limit());
                return false;
            }
            ser = new Series(sc.newSeries());
            series.put(key, ser);
            if (measureFresh) {
                footprint.fresh(ser, key);
                measureFresh = false;
            }
            seriesChanged();
        }
        ser.seenNanos = System.nanoTime();
        if (m.duplicate() && r.epochMillis() <= ser.lastMillis) {
            // scored before this redelivery: its result is already in the store
            duplicates.incrementAndGet();
            return true;
        }
        ser.lastMillis = Math.max(ser.lastMillis, r.epochMillis());
        if (++scoredCount % SAMPLE_EVERY == 0) {
            footprint.sample(ser, key);
            seriesChanged();
        }
        Score score;
        swapSafe.begin(runner);
        try {
            score = scorerFor(runner.info()).score(ser.state, swapSafe, r.epochMillis(), r.value());
        } catch (InferenceException e) {
            intake.reject(m, "inference-failed", e.getMessage());
            return false;
        }
        runner = swapSafe.used();
        long t2 = System.nanoTime();
        inferStage.record(t2 - t1);
        AlarmEvent event = AlarmEvent.NONE;
        AlarmPolicy policy = policy(s, runner.info());
        if (!score.warmingUp()) {
            event = ser.alarm.update(score.score(), policy);
            if (event == AlarmEvent.ALARM) {
                alarms.incrementAndGet();
            } else if (event == AlarmEvent.NORMAL) {
                alarms.decrementAndGet();
            }
        }
        long t3 = System.nanoTime();
        decideStage.record(t3 - t2);
        String suffix = "/" + r.device() + "/" + r.quantity();
        KeyAffinity keys = affinity;
        byte[] out = keys == null
                ? ResultEncoder.result(r, score.score(), ser.alarm.active(), event, score.warmingUp(), runner.info().id())
                : ResultEncoder.result(r, score.score(), ser.alarm.active(), event, score.warmingUp(), runner.info().id(),
                        keys.self(), keys.ownerChanged(m.topic()), replaying);
        intake.publish(m, s.outputTopicPrefix() + suffix, out, s.outputQos(), MqttConnection.PRIORITY_NORMAL);
        if (event != AlarmEvent.NONE && !s.alarmTopicPrefix().isEmpty()) {
            intake.publish(m, s.alarmTopicPrefix() + suffix, out, 1, MqttConnection.PRIORITY_HIGH);
            LOG.info("Pipeline {}: {} on {}/{} (score {})", s.name(), event.wireName(), r.device(), r.quantity(),
                    String.format("%.3f", score.score()));
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

    /**
     * The serving model; while there is none (at start, between versions) waits up to
     * {@link #MODEL_GRACE_NANOS} since it went missing, so inputs are not dead-lettered during a boot.
     */
    private ModelRunner awaitModel() {
        ModelRunner runner = model.get();
        if (runner != null) {
            noModelSince = 0;
            return runner;
        }
        long now = System.nanoTime();
        if (noModelSince == 0) {
            noModelSince = now;
        }
        while (runner == null && intake.running() && System.nanoTime() - noModelSince < MODEL_GRACE_NANOS) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
            runner = model.get();
        }
        if (runner != null) {
            noModelSince = 0;
        }
        return runner;
    }

    /** @return how shadow candidates compared with the serving model on this worker's readings */
    public java.util.List<io.edgeai.gateway.api.ShadowComparison> shadowComparisons() {
        return shadow.comparisons();
    }

    /** One scorer per model version; series keep their state unless the new version's settings differ. */
    private AnomalyScorer scorerFor(ModelInfo info) {
        if (!info.id().equals(scorerModel)) {
            ScorerSettings next = ScorerSettings.fromModel(info);
            if (scorer != null && !next.equals(scorerSettings)) {
                AnomalyScorer fresh = new AnomalyScorer(next);
                series.values().forEach(x -> x.state = fresh.newSeries());
                series.forEach((k, x) -> footprint.fresh(x, k)); // (the last one's size: all are alike now)
                LOG.info("Pipeline {}: model {} has new scorer settings; series warm up again", settings.name(),
                        info.id());
            }
            if (scorer == null || !next.equals(scorerSettings)) {
                scorer = new AnomalyScorer(next);
                scorerSettings = next;
                measureFresh = true;
            }
            scorerModel = info.id();
        }
        return scorer;
    }

    /** The alarm policy for these settings and this model; worked out again only when either changes. */
    private AlarmPolicy policy(PipelineSettings s, ModelInfo info) {
        if (s != policySettings || info != policyModel) {
            double t = s.threshold() >= 0 ? s.threshold() : info.doubleProperty("threshold", 0.5);
            double c = s.clearThreshold() >= 0 ? s.clearThreshold() : info.doubleProperty("clear.threshold", t * 0.8);
            policyCache = new AlarmPolicy(t, Math.min(c, t), s.raiseCount(), s.clearCount());
            policySettings = s;
            policyModel = info;
        }
        return policyCache;
    }

    /** The model's {@code window.size} (0 when it declares none); parsed once per model version. */
    private int modelWindow(ModelInfo info) {
        if (info != windowModel) {
            windowSize = info.intProperty("window.size", 0);
            windowModel = info;
        }
        return windowSize;
    }

    /**
     * @param type pipeline type for display
     * @param connectionName connection name for display
     * @return counters and state
     */
    public PipelineStatus status(String type, String connectionName) {
        PipelineSettings s = settings;
        ModelRunner m = model.get();
        var q = intake.queue();
        return new PipelineStatus(s.name(), type, s.inputTopic(), s.outputTopicPrefix(), m == null ? "" : m.info().id(),
                connectionName, q.received(), intake.published(), intake.rejected(), q.dropped(), q.size(),
                s.queueCapacity(), seriesCount.get(), alarms.get(), clock.percentile(50), clock.percentile(99),
                s.overflowPolicy(), q.held(), duplicates.get(), evicted.get(), seriesBytes.get());
    }

    /** @return latency histograms by stage: decode, infer (window + model), decide, publish, total */
    public Map<String, LatencyHistogram> stageLatencies() {
        return clock.snapshot();
    }

    /** @return rejected inputs by dead-letter code */
    public Map<String, Long> rejectedByCode() {
        return intake.rejectedByCode();
    }

    /** @return the settings in force */
    public PipelineSettings settings() {
        return settings;
    }
}
