package io.edgeai.gateway.nlp.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.api.LatencyHistogram;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.PipelineStatus;
import io.edgeai.gateway.api.SharedSubscriptions;
import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.intake.Intake;
import io.edgeai.gateway.intake.IntakeSettings;
import io.edgeai.gateway.intake.Overflow;

/**
 * A text pipeline at work: its {@link Intake} (bounded queue, one owned thread) running the {@link TextStages}
 * (decode, embed, intent, entities, encode, publish). The MQTT callback only offers messages to the queue. An
 * input is acknowledged once its result or dead letter is in the connection's publish store; a dropped one at
 * once. A worker restarted for a new configuration hands its successor what it held ({@link #adopt}).
 */
public final class TextWorker {
    private static final Logger LOG = LoggerFactory.getLogger(TextWorker.class);

    private final MqttConnection connection;
    private final ModelLookup models;
    private final TextStages stages;
    private final Intake intake;
    /** Share group of the input subscription, empty for a plain one. */
    private volatile String shareGroup = "";

    /**
     * @param settings pipeline settings
     * @param connection broker connection to subscribe and publish on
     * @param models the serving models by name
     */
    public TextWorker(TextSettings settings, MqttConnection connection, ModelLookup models) {
        this.connection = connection;
        this.models = models;
        this.stages = new TextStages(settings, models);
        this.intake = new Intake(
                LOG,
                "edgeai-text-" + settings.name(),
                intakeSettings(settings),
                () -> connection,
                stages.clock,
                stages);
        stages.bind(intake);
    }

    private static IntakeSettings intakeSettings(TextSettings s) {
        return new IntakeSettings(
                "Text pipeline",
                s.name(),
                s.queueCapacity(),
                s.maxPayloadBytes(),
                Overflow.of(s.overflowPolicy()),
                s.deadLetterTopicPrefix(),
                s.batchSize(),
                s.batchLingerMillis(),
                "");
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

    /**
     * Gives the worker an uplink policy; applies live (messages taken after this see it).
     *
     * @param policy the policy
     * @param connections the connection of a name (null while there is none)
     * @return this worker
     */
    public TextWorker uplink(TextUplinkSettings policy, Function<String, MqttConnection> connections) {
        stages.uplink(policy, connections);
        return this;
    }

    /** Starts the worker thread and subscribes. */
    public void start() {
        intake.start();
        connection.subscribe(filter(settings()), settings().inputQos(), intake::offer, true);
    }

    /**
     * Applies changed settings live; messages received after this call see them (few-shot intents are
     * re-embedded before the next message is classified).
     *
     * @param next the new settings (same queue capacity)
     */
    public void update(TextSettings next) {
        TextSettings prev = settings();
        stages.settings(next);
        intake.update(intakeSettings(next));
        if (!prev.inputTopic().equals(next.inputTopic()) || prev.inputQos() != next.inputQos()) {
            connection.unsubscribe(filter(prev));
            connection.subscribe(filter(next), next.inputQos(), intake::offer, true);
        }
        LOG.info("Text pipeline {} updated live", next.name());
    }

    /**
     * Unsubscribes, stops the thread and waits for it. With a share group the broker's acknowledgement of the
     * unsubscribe comes first (no further share for this member), then the queued inputs are finished and
     * acknowledged (at most {@value Intake#DRAIN_MILLIS} ms): what a persistent session still held unacknowledged would
     * wait for this member's return instead of going to the others. Without one, queued messages are discarded
     * (unacknowledged, the broker delivers them again to this client).
     */
    public void stop() {
        connection.unsubscribe(filter(settings()));
        intake.stop(!shareGroup.isEmpty());
        stages.shadow.stop();
    }

    /**
     * Unsubscribes and stops for a successor (a restart for a new configuration): what it holds stays
     * unacknowledged until the successor takes it over ({@link #adopt}).
     */
    public void stopForSuccessor() {
        connection.unsubscribe(filter(settings()));
        intake.stop(false);
        stages.shadow.stop();
    }

    /**
     * Takes over the inputs of a worker stopped for this one, before {@link #start()}, so they keep their order
     * ahead of newer ones: the one it was stopped in the middle of, those it had queued, those its intake held.
     *
     * @param stopped a worker after {@link #stopForSuccessor()}
     */
    public void adopt(TextWorker stopped) {
        intake.adopt(stopped.intake);
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

    /** Processes one message on the caller's thread (tests; nothing is acknowledged). */
    void process(InboundMessage m) {
        stages.process(m);
    }

    /** @return latency histograms of the stages: "queue" (receipt until taken) and "total" (until published) */
    public Map<String, LatencyHistogram> stageLatencies() {
        return stages.clock.snapshot();
    }

    /**
     * @param connectionName connection name for display
     * @return counters and state
     */
    public PipelineStatus status(String connectionName) {
        TextSettings s = settings();
        TextEncoder e = models.encoder(s.encoder());
        var q = intake.queue();
        return new PipelineStatus(
                s.name(),
                "text",
                s.inputTopic(),
                s.outputTopicPrefix(),
                e == null ? "" : e.info().id(),
                connectionName,
                q.received(),
                intake.published(),
                intake.rejected(),
                q.dropped(),
                q.size(),
                s.queueCapacity(),
                s.intents().size(),
                0,
                stages.clock.percentile(50),
                stages.clock.percentile(99),
                s.overflowPolicy(),
                q.held(),
                0);
    }

    /** @return how shadow candidates of the encoder or intent head compared with the serving versions */
    public List<io.edgeai.gateway.api.ShadowComparison> shadowComparisons() {
        return stages.shadowComparisons();
    }

    /** @return encoder runs that took a micro-batch of more than one text */
    long batchRuns() {
        return stages.batchRuns.get();
    }

    /** @return texts embedded in micro-batches of more than one */
    long batchTexts() {
        return stages.batchTexts.get();
    }

    /** @return the settings in force */
    public TextSettings settings() {
        return stages.settings();
    }
}
