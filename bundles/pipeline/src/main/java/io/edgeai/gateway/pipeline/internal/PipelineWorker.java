package io.edgeai.gateway.pipeline.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.api.LatencyHistogram;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.PipelineStatus;
import io.edgeai.gateway.api.SeriesHistory;
import io.edgeai.gateway.api.ShadowComparison;
import io.edgeai.gateway.api.UplinkStatus;
import io.edgeai.gateway.intake.Intake;
import io.edgeai.gateway.intake.IntakeSettings;
import io.edgeai.gateway.intake.Overflow;
import io.edgeai.gateway.pipeline.internal.group.KeyAffinity;
import io.edgeai.gateway.pipeline.internal.group.ScaleOut;
import io.edgeai.gateway.pipeline.internal.uplink.Uplink;
import io.edgeai.gateway.pipeline.internal.uplink.UplinkSettings;

/**
 * An anomaly pipeline at work: its {@link Intake} (bounded queue, one owned thread) running the
 * {@link AnomalyStages} (decode, infer, decide, publish). The MQTT callback only offers messages to the queue.
 * An input is acknowledged to its broker once everything it produced (results, alarms, or its dead letter) is in
 * the output connection's publish store. A worker restarted for a new configuration hands its successor what it
 * held ({@link #adopt}).
 */
public final class PipelineWorker {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineWorker.class);

    private final MqttConnection connection;
    private final Supplier<ModelRunner> model;
    private final AnomalyStages stages;
    private final Intake intake;
    /** Shared subscription and key affinity in a gateway group; set before {@link #start()}. */
    private volatile ScaleOut scaleOut = ScaleOut.NONE;

    private volatile KeyAffinity affinity;

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
    public PipelineWorker(
            PipelineSettings settings,
            MqttConnection connection,
            Supplier<ModelRunner> model,
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
    public PipelineWorker(
            PipelineSettings settings,
            MqttConnection connection,
            Supplier<MqttConnection> output,
            Supplier<ModelRunner> model,
            Supplier<ModelRunner> shadowModel) {
        this.connection = connection;
        this.model = model;
        this.stages = new AnomalyStages(settings, model, shadowModel);
        this.intake = new Intake(
                LOG, "edgeai-pipeline-" + settings.name(), intakeSettings(settings), output, stages.clock, stages);
        stages.bind(intake);
        intake.onFatal((t, e) -> FatalErrors.handle(t, e, FatalErrors.HALT));
    }

    private static IntakeSettings intakeSettings(PipelineSettings s) {
        return new IntakeSettings(
                "Pipeline",
                s.name(),
                s.queueCapacity(),
                s.maxPayloadBytes(),
                Overflow.of(s.overflowPolicy()),
                s.deadLetterTopicPrefix(),
                1,
                0,
                s.outputConnection());
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
        stages.affinity(keys);
        return this;
    }

    /**
     * Gives the worker an uplink policy (before {@link #start()}); changed later with {@link #uplink(UplinkSettings)}.
     *
     * @param settings the policy
     * @param connections the connection of a name (null while there is none)
     * @param clock the gateway's time in epoch milliseconds (summary periods)
     * @return this worker
     */
    public PipelineWorker uplink(
            UplinkSettings settings, Function<String, MqttConnection> connections, LongSupplier clock) {
        stages.uplink(new Uplink(settings, connections, clock));
        return this;
    }

    /** @param next a changed uplink policy, applied live */
    public void uplink(UplinkSettings next) {
        stages.uplink().settings(next);
    }

    /** @return what goes up the uplink, empty without one */
    public Optional<UplinkStatus> uplinkStatus() {
        return stages.uplink().status();
    }

    /**
     * Any thread: asks the worker for a series' recent raw readings; it answers between inputs.
     *
     * @param series {@code <device>/<quantity>}
     * @return completes with the readings, or exceptionally (see {@link io.edgeai.gateway.api.Pipeline#recentValues})
     */
    public CompletableFuture<SeriesHistory> recentValues(String series) {
        if (!intake.running()) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("pipeline " + settings().name() + " is not running"));
        }
        return stages.history.ask(series);
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
        stages.forgetTopic(topic);
    }

    /** Evicts idle series now (tests; the worker does it every turn). */
    int evictIdle(long nowNanos) {
        return stages.evictIdle(nowNanos);
    }

    /** Replaces what the worker does on an {@link Error} (tests; by default it logs and halts the JVM). */
    void onFatal(java.util.function.BiConsumer<String, Throwable> handler) {
        intake.onFatal(handler);
    }

    /** Replaces the heap figure the admission of new series reads (tests). */
    void heapGauge(java.util.function.IntSupplier heapUsedAfterGcPercent) {
        stages.heapGauge(heapUsedAfterGcPercent);
    }

    /** Processes one input on the caller's thread (tests; nothing is acknowledged). */
    void process(InboundMessage m) {
        stages.process(m);
    }

    /** Starts the worker thread and subscribes. */
    public void start() {
        PipelineSettings s = settings();
        intake.start();
        connection.subscribe(scaleOut.filter(s.inputTopic()), s.inputQos(), intake::offer, true);
    }

    /**
     * Applies changed settings live: thresholds and topics at once, series state is kept. A changed
     * queue capacity needs a new worker (the component restarts it).
     *
     * @param next the new settings
     */
    public void update(PipelineSettings next) {
        PipelineSettings prev = settings();
        intake.update(intakeSettings(next));
        stages.settings(next);
        if (!prev.inputTopic().equals(next.inputTopic()) || prev.inputQos() != next.inputQos()) {
            connection.unsubscribe(scaleOut.filter(prev.inputTopic()));
            connection.subscribe(scaleOut.filter(next.inputTopic()), next.inputQos(), intake::offer, true);
        }
        LOG.info("Pipeline {} updated live", next.name());
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
        connection.unsubscribe(scaleOut.filter(settings().inputTopic()));
        intake.stop(drain);
        stages.history.refuseAll("pipeline " + settings().name() + " stopped before it answered");
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

    /** @return how shadow candidates compared with the serving model on this worker's readings */
    public List<ShadowComparison> shadowComparisons() {
        return stages.shadowComparisons();
    }

    /**
     * @param type pipeline type for display
     * @param connectionName connection name for display
     * @return counters and state
     */
    public PipelineStatus status(String type, String connectionName) {
        PipelineSettings s = settings();
        ModelRunner m = model.get();
        var q = intake.queue();
        return new PipelineStatus(
                s.name(),
                type,
                s.inputTopic(),
                s.outputTopicPrefix(),
                m == null ? "" : m.info().id(),
                connectionName,
                q.received(),
                intake.published(),
                intake.rejected(),
                q.dropped(),
                q.size(),
                s.queueCapacity(),
                stages.series.count(),
                stages.series.alarms(),
                stages.clock.percentile(50),
                stages.clock.percentile(99),
                s.overflowPolicy(),
                q.held(),
                stages.duplicates.get(),
                stages.series.evicted(),
                stages.series.bytes());
    }

    /** @return latency histograms by stage: decode, infer (window + model), decide, publish, total */
    public Map<String, LatencyHistogram> stageLatencies() {
        return stages.clock.snapshot();
    }

    /** @return rejected inputs by dead-letter code */
    public Map<String, Long> rejectedByCode() {
        return intake.rejectedByCode();
    }

    /** @return the settings in force */
    public PipelineSettings settings() {
        return stages.settings();
    }
}
