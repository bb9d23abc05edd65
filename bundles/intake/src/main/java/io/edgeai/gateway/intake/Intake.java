package io.edgeai.gateway.intake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.slf4j.Logger;

import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.MqttTopics;

/**
 * A pipeline's intake and its one owned thread: the {@link IngestQueue}, the loop that hands inputs to the
 * worker's stages, and what every pipeline does around them. An input is acknowledged to its broker once
 * everything it produced (results, alarms, or its dead letter) is in the output connection's publish store, or at
 * once when it produced nothing. A worker stopped for a new configuration hands its successor ({@link #adopt}) the
 * inputs it was stopped in the middle of, its queue and those its intake was holding: nothing is acknowledged
 * without a result, and nothing is left unacknowledged.
 */
public final class Intake {
    /** Longest time a worker stopping for good finishes queued inputs of a shared subscription. */
    public static final long DRAIN_MILLIS = 10_000;

    private final Logger log;
    private final LogOnce logOnce;
    private final Supplier<MqttConnection> output;
    private final IngestQueue queue;
    private final StageClock clock;
    private final PipelineStages stages;
    private final Thread thread;
    private volatile IntakeSettings settings;
    /** Stopping a shared subscription's worker for good: finish what is queued, then end. */
    private volatile boolean draining;

    private volatile BiConsumer<String, Throwable> fatal = (t, e) -> {
        if (e instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(e);
    };
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final Map<String, AtomicLong> rejectedByCode = new ConcurrentHashMap<>();
    /** The inputs the worker was stopped in the middle of, for a successor to take first; read after the join. */
    private final List<InboundMessage> unfinished = Collections.synchronizedList(new ArrayList<>());

    private final InFlight inFlight = new InFlight();

    /**
     * @param log the worker's logger
     * @param threadName name of the owned thread
     * @param settings the intake's settings
     * @param output the connection to publish on (may change; while it is null the intake waits)
     * @param clock the worker's stages
     * @param stages what processes the inputs
     */
    public Intake(
            Logger log,
            String threadName,
            IntakeSettings settings,
            Supplier<MqttConnection> output,
            StageClock clock,
            PipelineStages stages) {
        this.log = log;
        this.logOnce = new LogOnce(log);
        this.settings = settings;
        this.output = output;
        this.clock = clock;
        this.stages = stages;
        this.queue = new IngestQueue(() -> this.settings, logOnce);
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    /** @param next changed settings (the same queue capacity) */
    public void update(IntakeSettings next) {
        settings = next;
    }

    /**
     * Replaces what the thread does on an {@link Error} (by default it ends the thread with it).
     *
     * @param handler called with the thread's name and the error
     */
    public void onFatal(BiConsumer<String, Throwable> handler) {
        this.fatal = handler;
    }

    /** Starts the thread; the worker subscribes with {@link #offer} after this. */
    public void start() {
        thread.start();
    }

    /**
     * Hands an input over; called on the MQTT callback thread ({@link IngestQueue#offer}).
     *
     * @param in the input
     */
    public void offer(InboundMessage in) {
        queue.offer(in);
    }

    /**
     * Takes over the inputs of a stopped intake (a restart for a new configuration), before {@link #start()}, so
     * they keep their order ahead of newer ones: those it was stopped in the middle of (waiting for its output
     * connection), those it had queued, and those its intake was holding.
     *
     * @param stopped an intake after {@link #stop}
     */
    public void adopt(Intake stopped) {
        List<InboundMessage> first;
        synchronized (stopped.unfinished) {
            first = new ArrayList<>(stopped.unfinished);
            stopped.unfinished.clear();
        }
        queue.adopt(stopped.queue, first);
    }

    /**
     * Stops the thread and waits for it; the worker has unsubscribed. With {@code drain} the queued inputs are
     * finished first (at most {@value #DRAIN_MILLIS} ms); otherwise they stay unacknowledged: a successor takes
     * them over ({@link #adopt}), or the broker delivers them again to the next session.
     *
     * @param drain whether to finish what is queued
     */
    public void stop(boolean drain) {
        IntakeSettings s = settings;
        if (drain) {
            draining = true;
            join(DRAIN_MILLIS);
            if (queue.size() > 0) {
                log.warn(
                        "{} {} stopped with {} inputs unfinished; they stay with this member's session",
                        s.kind(),
                        s.name(),
                        queue.size());
            }
        }
        queue.close();
        thread.interrupt();
        join(5000);
    }

    private void join(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return false once the intake was stopped */
    public boolean running() {
        return queue.isOpen();
    }

    /**
     * The loop. An {@link Error} (out of memory above all) ends it through the fatal handler; the input being
     * processed stays unacknowledged.
     */
    private void run() {
        while (queue.isOpen()) {
            try {
                if (!turn()) {
                    return;
                }
            } catch (Stopping e) {
                return; // stopped while a message no input waits for (a summary) waited for its connection
            } catch (RuntimeException e) {
                log.error("{} {}: unexpected failure in its worker; it goes on", settings.kind(), settings.name(), e);
            } catch (Error e) {
                fatal.accept(Thread.currentThread().getName(), e);
                return;
            }
        }
    }

    /** @return false when the loop ends (interrupted, or drained when stopping for good) */
    private boolean turn() {
        InboundMessage m;
        try {
            m = queue.poll(draining ? 50 : 500);
        } catch (InterruptedException e) {
            return false;
        }
        if (m == null && draining) {
            return false; // stopping for good: everything queued is finished
        }
        stages.beforeInputs(m == null);
        if (m != null) {
            IntakeSettings s = settings;
            handle(s.batchSize() > 1 ? queue.batch(m, s) : List.of(m));
        }
        stages.afterInputs();
        return true;
    }

    /**
     * Processes inputs with the worker's stages and settles each: acknowledged once everything it produced is
     * stored. One the worker was stopped in the middle of (waiting for its output) is kept for a successor; after
     * an unexpected failure each unfinished input is dead-lettered ({@code internal-error}).
     *
     * @param inputs one input, or a batch
     */
    public void handle(List<InboundMessage> inputs) {
        inFlight.begin(inputs);
        try {
            stages.process(inputs);
        } catch (Stopping e) {
            // stopped while waiting for the output: not finished, so not acknowledged; a successor adopts them first
            unfinished.addAll(inFlight.unsettled());
            inFlight.end();
            return;
        } catch (RuntimeException e) {
            for (InboundMessage m : inFlight.unsettled()) {
                reject(m, "internal-error", "unexpected failure: " + e);
            }
            log.error(
                    "{} {} failed on an input from {}",
                    settings.kind(),
                    settings.name(),
                    inputs.get(0).topic(),
                    e);
        }
        // not reached on an Error: those inputs stay unacknowledged and the broker delivers them again
        inputs.forEach(inFlight::settle);
        inFlight.end();
    }

    /**
     * Marks an input finished: it is acknowledged once what it produced is stored. Called by the stages when an
     * input of a batch is done; the intake settles the rest when the stages return.
     *
     * @param m an input being processed
     */
    public void settle(InboundMessage m) {
        inFlight.settle(m);
    }

    /**
     * Publishes something an input produced on the output connection, waiting while it is not bound (nothing is
     * acknowledged meanwhile); the input's acknowledgement waits for it to be stored.
     *
     * @param m the input it came from
     * @param topic the topic
     * @param payload the payload
     * @param qos the QoS
     * @param priority {@link MqttConnection#PRIORITY_NORMAL} or {@link MqttConnection#PRIORITY_HIGH}
     */
    public void publish(InboundMessage m, String topic, byte[] payload, int qos, int priority) {
        publish(output, settings.outputName(), m, topic, payload, qos, priority);
    }

    /**
     * Publishes on another connection than the output (an uplink), waiting while it is not bound like
     * {@link #publish(InboundMessage, String, byte[], int, int)}.
     *
     * @param to the connection (may change; while it is null the intake waits)
     * @param toName its name, for the log
     * @param m the input it came from, or null for a message no input waits for (a periodic summary)
     * @param topic the topic
     * @param payload the payload
     * @param qos the QoS
     * @param priority {@link MqttConnection#PRIORITY_NORMAL} or {@link MqttConnection#PRIORITY_HIGH}
     */
    public void publish(
            Supplier<MqttConnection> to,
            String toName,
            InboundMessage m,
            String topic,
            byte[] payload,
            int qos,
            int priority) {
        MqttConnection out = to.get();
        while (out == null && queue.isOpen()) {
            IntakeSettings s = settings;
            logOnce.warn(
                    "no-output-" + toName,
                    "{} {}: output connection {} is not there; waiting",
                    s.kind(),
                    s.name(),
                    toName);
            LockSupport.parkNanos(100_000_000L);
            out = to.get();
        }
        if (out == null) {
            throw new Stopping();
        }
        out.publish(topic, payload, qos, false, priority, inFlight.expect(m));
    }

    /**
     * Counts an answered input and its latency from receipt.
     *
     * @param m the input
     * @param nowNanos when its result went to publish
     */
    public void answered(InboundMessage m, long nowNanos) {
        published.incrementAndGet();
        clock.answered(m.receivedNanos(), nowNanos);
    }

    /**
     * Dead-letters an input (counted by code; the first of each code is logged at WARN, repeats at DEBUG).
     *
     * @param m the input
     * @param code stable reason code
     * @param reason human-readable reason
     */
    public void reject(InboundMessage m, String code, String reason) {
        reject(m, code, reason, m.payload().length, code);
    }

    /**
     * @param m the input
     * @param code stable reason code
     * @param reason human-readable reason
     * @param payloadBytes the original payload's size
     * @param logKey reasons logged once at WARN, repeats at DEBUG
     */
    public void reject(InboundMessage m, String code, String reason, int payloadBytes, String logKey) {
        rejected.incrementAndGet();
        rejectedByCode.computeIfAbsent(code, k -> new AtomicLong()).incrementAndGet();
        IntakeSettings s = settings;
        byte[] dl = DeadLetters.json(
                s.name(), m.topic(), code, reason, m.payload(), payloadBytes, System.currentTimeMillis());
        publish(
                m,
                MqttTopics.deadLetterTopic(s.deadLetterTopicPrefix(), m.topic()),
                dl,
                1,
                MqttConnection.PRIORITY_NORMAL);
        settle(m);
        logOnce.warn(
                logKey,
                "{} {} rejected a message from {}: {} (further '{}' rejections are logged at DEBUG"
                        + " and counted in edgeai:pipelines)",
                s.kind(),
                s.name(),
                m.topic(),
                reason,
                code);
        if (log.isTraceEnabled()) {
            log.trace("Rejected payload: {}", new String(m.payload(), StandardCharsets.UTF_8));
        }
    }

    /** @return where log lines that should appear once go */
    public LogOnce logOnce() {
        return logOnce;
    }

    /** @return the stage clock */
    public StageClock clock() {
        return clock;
    }

    /** @return the ingest queue (counters and size) */
    public IngestQueue queue() {
        return queue;
    }

    /** @return inputs answered */
    public long published() {
        return published.get();
    }

    /** @return inputs dead-lettered */
    public long rejected() {
        return rejected.get();
    }

    /** @return rejected inputs by dead-letter code, sorted */
    public Map<String, Long> rejectedByCode() {
        Map<String, Long> out = new TreeMap<>();
        rejectedByCode.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
