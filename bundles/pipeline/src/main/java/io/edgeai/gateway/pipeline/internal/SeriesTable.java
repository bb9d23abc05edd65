package io.edgeai.gateway.pipeline.internal;

import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.pipeline.internal.decide.AlarmEvent;
import io.edgeai.gateway.pipeline.internal.decide.AlarmState;
import io.edgeai.gateway.pipeline.internal.detect.AnomalyScorer;
import io.edgeai.gateway.pipeline.internal.detect.SeriesState;
import io.edgeai.gateway.pipeline.internal.uplink.SeriesUplink;

/**
 * An anomaly pipeline's series, one per topic and quantity: window state, alarm state, the last scored reading.
 * Used on the worker thread only; the counts for status are readable by any thread. New series are admitted
 * within the series and memory limits ({@link SeriesAdmission}); idle ones are evicted a few per turn.
 */
final class SeriesTable {
    private static final Logger LOG = LoggerFactory.getLogger(SeriesTable.class);
    /** Readings between two measurements of a grown series state. */
    private static final int SAMPLE_EVERY = 1024;
    /** Most idle series evicted per worker turn (the sweep is amortised over turns). */
    private static final int EVICT_PER_TURN = 64;

    /** One series' state. */
    static final class Series {
        SeriesState state;
        final AlarmState alarm = new AlarmState();
        /** Time of the last scored reading, to recognise redelivered ones. */
        long lastMillis = Long.MIN_VALUE;
        /** When a reading of it was last processed ({@link System#nanoTime()}), for idle eviction. */
        long seenNanos;
        /** What the uplink keeps for it; null without an uplink. */
        SeriesUplink uplink;

        Series(SeriesState state) {
            this.state = state;
        }
    }

    /** Series by key, least recently seen first (access order), so idle ones are found at the head. */
    private final LinkedHashMap<String, Series> series = new LinkedHashMap<>(16, 0.75f, true);

    private final ShadowScoring shadow;
    private final SeriesFootprint footprint = new SeriesFootprint();
    private SeriesAdmission admission = new SeriesAdmission(HeapHeadroom::usedAfterGcPercent);
    /** Whether the next new series is measured as a fresh state (a new scorer). */
    private boolean measureFresh = true;
    /** Readings scored, to sample a grown state now and then. */
    private long scoredCount;

    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger alarms = new AtomicInteger();
    private final AtomicLong evicted = new AtomicLong();
    /** Estimated heap of the series' state, for status. */
    private final AtomicLong bytes = new AtomicLong();

    /** @param shadow the shadow scoring whose per-series state goes with a series */
    SeriesTable(ShadowScoring shadow) {
        this.shadow = shadow;
    }

    /** @param heapUsedAfterGcPercent the heap figure the admission of new series reads (tests) */
    void heapGauge(IntSupplier heapUsedAfterGcPercent) {
        this.admission = new SeriesAdmission(heapUsedAfterGcPercent);
    }

    /**
     * @param key topic and quantity
     * @return its series, null when there is none
     */
    Series get(String key) {
        return series.get(key);
    }

    /**
     * @param name {@code <device>/<quantity>}, as in the uplink topics
     * @return what the uplink keeps for that series, null when no series of that name has uplink state
     */
    SeriesUplink uplinkNamed(String name) {
        for (Series ser : series.values()) { // values() does not touch the access order
            if (ser.uplink != null && !ser.uplink.isGone() && ser.uplink.name().equals(name)) {
                return ser.uplink;
            }
        }
        return null;
    }

    /**
     * @param s the settings in force (limits)
     * @return why a new series is refused now, null when it is admitted
     */
    SeriesAdmission.Refusal refusal(PipelineSettings s) {
        return admission.check(
                s,
                series.size(),
                footprint.perSeries(),
                series.size() * footprint.perSeries() + shadow.estimatedBytes());
    }

    /**
     * @param key topic and quantity
     * @param state a new series' state
     * @return the new series
     */
    Series add(String key, SeriesState state) {
        return add(key, state, null);
    }

    /**
     * @param key topic and quantity
     * @param state a new series' state
     * @param uplink what the uplink keeps for it (measured with it), null for nothing
     * @return the new series
     */
    Series add(String key, SeriesState state, SeriesUplink uplink) {
        Series ser = new Series(state);
        ser.uplink = uplink;
        series.put(key, ser);
        if (measureFresh) {
            footprint.fresh(ser, key);
            measureFresh = false;
        }
        changed();
        return ser;
    }

    /** Counts a scored reading; now and then measures the grown state. */
    void scored(Series ser, String key) {
        if (++scoredCount % SAMPLE_EVERY == 0) {
            footprint.sample(ser, key);
            changed();
        }
    }

    /** @param event the alarm edge a reading caused */
    void edge(AlarmEvent event) {
        if (event == AlarmEvent.ALARM) {
            alarms.incrementAndGet();
        } else if (event == AlarmEvent.NORMAL) {
            alarms.decrementAndGet();
        }
    }

    /** Every series warms up again with a new scorer's state (new scorer settings). */
    void restart(AnomalyScorer fresh) {
        series.values().forEach(x -> x.state = fresh.newSeries());
        series.forEach((k, x) -> footprint.fresh(x, k)); // (the last one's size: all are alike now)
    }

    /** The next new series is measured as a fresh state (a new scorer). */
    void measureNext() {
        measureFresh = true;
    }

    /**
     * Drops the series of a topic (key affinity: ownership moved).
     *
     * @param topic the input topic
     */
    void forgetTopic(String topic) {
        String prefix = topic + " ";
        for (var it = series.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().startsWith(prefix)) {
                remove(it, e);
            }
        }
        changed();
    }

    /**
     * Drops the state of series not seen for {@code idleSeconds}: the least recently seen are at the head of the
     * access-ordered table, so each turn looks at a few entries only and stops at the first one in use.
     *
     * @param nowNanos {@link System#nanoTime()}
     * @param idleSeconds 0 for never
     * @param name the pipeline, for the log
     * @return series evicted
     */
    int evictIdle(long nowNanos, long idleSeconds, String name) {
        if (idleSeconds == 0 || series.isEmpty()) {
            return 0;
        }
        long limit = idleSeconds * 1_000_000_000L;
        int n = 0;
        for (var it = series.entrySet().iterator(); it.hasNext() && n < EVICT_PER_TURN; ) {
            var e = it.next();
            if (nowNanos - e.getValue().seenNanos <= limit) {
                break;
            }
            remove(it, e);
            n++;
        }
        if (n > 0) {
            evicted.addAndGet(n);
            changed();
            LOG.debug("Pipeline {}: {} series idle for {} s evicted", name, n, idleSeconds);
        }
        return n;
    }

    private void remove(
            java.util.Iterator<java.util.Map.Entry<String, Series>> it, java.util.Map.Entry<String, Series> e) {
        if (e.getValue().alarm.active()) {
            alarms.decrementAndGet();
        }
        shadow.forget(e.getKey());
        if (e.getValue().uplink != null) {
            e.getValue().uplink.gone();
        }
        it.remove();
    }

    private void changed() {
        count.set(series.size());
        bytes.set(series.size() * footprint.perSeries() + shadow.estimatedBytes());
    }

    /** @return series held */
    int count() {
        return count.get();
    }

    /** @return series in alarm */
    int alarms() {
        return alarms.get();
    }

    /** @return series evicted as idle */
    long evicted() {
        return evicted.get();
    }

    /** @return estimated heap of the series' state */
    long bytes() {
        return bytes.get();
    }
}
