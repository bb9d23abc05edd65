package io.edgeai.gateway.pipeline.internal.uplink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.UplinkStatus;
import io.edgeai.gateway.intake.Intake;
import io.edgeai.gateway.pipeline.internal.decide.AlarmEvent;

/**
 * An anomaly pipeline's uplink policy at work, on the pipeline's worker thread: every alarm and back-to-normal
 * event goes up at once (QoS 1, high priority), each alarm's evidence window (raw readings before and after it)
 * once its after half is full, and at the end of each period one summary per pipeline (or per series). Everything
 * goes through the uplink connection's publish store, so its disk store, priorities and time to live apply. An input
 * that raised an alarm, or completed an evidence window, is acknowledged once those are stored; summaries belong to
 * no input (a crash loses the open period, as it loses the series' state).
 */
public final class Uplink {
    /** Period after which a half-filled evidence window of a quiet series is sent, when no summaries are. */
    private static final long QUIET_MILLIS = 60_000;

    private final Function<String, MqttConnection> connections;
    private final LongSupplier clock;
    private volatile UplinkSettings settings;
    /** Series with readings in the open period, in alarm, or filling an evidence window. */
    private final List<SeriesUplink> open = new ArrayList<>();

    /** The open summary period (worker thread only). */
    private final Period period = new Period();

    private final AtomicLong events = new AtomicLong();
    private final AtomicLong evidence = new AtomicLong();
    private final AtomicLong summaries = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    /**
     * @param settings the policy
     * @param connections the connection of a name (null while there is none)
     * @param clock the gateway's time in epoch milliseconds (summary periods, time in alarm)
     */
    public Uplink(UplinkSettings settings, Function<String, MqttConnection> connections, LongSupplier clock) {
        this.settings = settings;
        this.connections = connections;
        this.clock = clock;
    }

    /** @return the policy in force */
    public UplinkSettings settings() {
        return settings;
    }

    /** @param next a changed policy; a series whose evidence size changed starts a new state with its next reading */
    public void settings(UplinkSettings next) {
        settings = next;
    }

    /** @return whether anything goes up */
    public boolean enabled() {
        return settings.enabled();
    }

    /**
     * @param current a series' uplink state, null when it has none
     * @return whether it fits the policy in force (else {@link #of} gives it a new one)
     */
    public boolean fits(SeriesUplink current) {
        return current != null && current.fits(settings.kept());
    }

    /**
     * @param current the series' uplink state, null when it has none
     * @param name {@code <device>/<quantity>}
     * @return a state that fits the policy in force: {@code current}, or a new one
     */
    public SeriesUplink of(SeriesUplink current, String name) {
        int before = settings.kept();
        if (current != null && current.fits(before)) {
            return current;
        }
        if (current != null) {
            current.gone();
        }
        return new SeriesUplink(name, before);
    }

    /**
     * Takes a scored reading: its figures go into the open period, its alarm edge up at once, its value into the
     * evidence windows.
     *
     * @param intake the pipeline's intake (publishes, ties acknowledgements)
     * @param pipeline the pipeline's name
     * @param m the input the reading came from
     * @param su the series' state ({@link #of})
     * @param ts the reading's time
     * @param value its value
     * @param score its score
     * @param event the alarm edge it caused
     * @param alarm the payload of the alarm topic (the reading's result)
     * @param model {@code name@version} that scored it
     */
    public void reading(
            Intake intake,
            String pipeline,
            InboundMessage m,
            SeriesUplink su,
            long ts,
            double value,
            double score,
            AlarmEvent event,
            byte[] alarm,
            String model) {
        UplinkSettings s = settings;
        long now = clock.getAsLong();
        period.begin(now, length(s));
        if (!su.listed) {
            su.listed = true;
            open.add(su);
        }
        Evidence p = su.pending;
        if (p != null) {
            p.after().add(ts, value);
            if (p.after().full() || event == AlarmEvent.ALARM) {
                sendEvidence(intake, s, pipeline, m, su);
            }
        }
        su.summarise(value, score);
        if (event == AlarmEvent.ALARM) {
            su.onSince = now;
        } else if (event == AlarmEvent.NORMAL && su.onSince >= 0) {
            su.alarmMillis += now - su.onSince;
            su.onSince = -1;
        }
        if (event != AlarmEvent.NONE) {
            send(intake, s, m, s.topicPrefix() + "/alarm/" + su.name, alarm, MqttConnection.PRIORITY_HIGH);
            events.incrementAndGet();
        }
        if (event == AlarmEvent.ALARM && s.evidence()) {
            Points before = su.before == null ? new Points(0) : su.before.copy(s.evidenceBefore());
            su.pending = new Evidence(ts, value, score, model, before, new Points(s.evidenceAfter()));
            if (s.evidenceAfter() == 0) {
                sendEvidence(intake, s, pipeline, m, su);
            }
        }
        if (su.before != null) {
            su.before.add(ts, value);
        }
    }

    /**
     * Ends the period when its time has come (called every turn of the worker, also when idle): sends the summary
     * and the evidence windows of series that were quiet for the whole period.
     *
     * @param intake the pipeline's intake
     * @param pipeline the pipeline's name
     */
    public void tick(Intake intake, String pipeline) {
        UplinkSettings s = settings;
        if (!s.enabled()) {
            if (!open.isEmpty()) {
                open.forEach(x -> x.listed = false);
                open.clear();
            }
            period.reset();
            return;
        }
        long now = clock.getAsLong();
        long length = length(s);
        if (period.begin(now, length) || now < period.end()) {
            return;
        }
        close(intake, s, pipeline, period.start(), period.end());
        period.next(now, length);
    }

    private static long length(UplinkSettings s) {
        return s.periodMillis() > 0 ? s.periodMillis() : QUIET_MILLIS;
    }

    private void close(Intake intake, UplinkSettings s, String pipeline, long from, long to) {
        List<SeriesUplink> report = new ArrayList<>();
        for (Iterator<SeriesUplink> it = open.iterator(); it.hasNext(); ) {
            SeriesUplink su = it.next();
            if (su.gone) {
                su.listed = false;
                it.remove();
                continue;
            }
            if (su.pending != null && su.count == 0) {
                sendEvidence(intake, s, pipeline, null, su); // quiet for a whole period: what it has
            }
            if (su.onSince >= 0) {
                su.alarmMillis += to - su.onSince;
            }
            if (su.count > 0 || su.alarmMillis > 0) {
                report.add(su);
            }
        }
        if (s.summarySeconds() > 0 && !report.isEmpty()) {
            sendSummaries(intake, s, pipeline, from, to, report);
        }
        for (Iterator<SeriesUplink> it = open.iterator(); it.hasNext(); ) {
            SeriesUplink su = it.next();
            su.nextPeriod(to);
            if (su.onSince < 0 && su.pending == null) {
                su.listed = false;
                it.remove();
            }
        }
    }

    private void sendSummaries(
            Intake intake, UplinkSettings s, String pipeline, long from, long to, List<SeriesUplink> report) {
        if (s.summaryMode().equals("series")) {
            for (SeriesUplink su : report) {
                byte[] b = UplinkEncoder.seriesSummary(pipeline, from, to, su);
                send(intake, s, null, s.topicPrefix() + "/summary/" + su.name, b, MqttConnection.PRIORITY_NORMAL);
                summaries.incrementAndGet();
            }
            return;
        }
        int per = s.summaryMaxSeries();
        int parts = (report.size() + per - 1) / per;
        for (int i = 0; i < parts; i++) {
            List<SeriesUplink> chunk = report.subList(i * per, Math.min(report.size(), (i + 1) * per));
            byte[] b = UplinkEncoder.pipelineSummary(pipeline, from, to, chunk, i + 1, parts);
            send(intake, s, null, s.topicPrefix() + "/summary/" + pipeline, b, MqttConnection.PRIORITY_NORMAL);
            summaries.incrementAndGet();
        }
    }

    private void sendEvidence(Intake intake, UplinkSettings s, String pipeline, InboundMessage m, SeriesUplink su) {
        byte[] b = UplinkEncoder.evidence(pipeline, su, su.pending);
        su.pending = null;
        send(intake, s, m, s.topicPrefix() + "/evidence/" + su.name, b, MqttConnection.PRIORITY_HIGH);
        evidence.incrementAndGet();
    }

    private void send(Intake intake, UplinkSettings s, InboundMessage m, String topic, byte[] payload, int priority) {
        String name = s.connection();
        intake.publish(() -> connections.apply(name), name, m, topic, payload, 1, priority);
        bytes.addAndGet(topic.getBytes(StandardCharsets.UTF_8).length + payload.length);
    }

    /** @return what goes up and what went, empty when nothing goes up */
    public Optional<UplinkStatus> status() {
        UplinkSettings s = settings;
        if (!s.enabled()) {
            return Optional.empty();
        }
        return Optional.of(new UplinkStatus(
                s.connection(),
                s.topicPrefix(),
                s.summarySeconds(),
                s.summaryMode(),
                s.evidenceBefore(),
                s.evidenceAfter(),
                events.get(),
                evidence.get(),
                summaries.get(),
                bytes.get()));
    }
}
