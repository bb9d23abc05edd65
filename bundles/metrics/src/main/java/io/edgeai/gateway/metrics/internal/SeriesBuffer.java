package io.edgeai.gateway.metrics.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recent results of the series the web view shows: at most {@code maxSeries} series (the one updated least
 * recently goes first) with at most {@code maxPoints} results each, so a gateway with many series keeps a fixed
 * amount of memory for its view. Every stored result gets a sequence number; a reader asks for what is newer
 * than the last number it saw.
 */
public final class SeriesBuffer {
    /**
     * One result as the chart needs it.
     *
     * @param seq sequence number in this buffer
     * @param ts the reading's time as the result carries it
     * @param value the reading
     * @param score anomaly score (0..1)
     * @param anomaly alarm state after this reading
     * @param event {@code alarm}, {@code normal} or empty
     */
    public record Point(long seq, String ts, double value, double score, boolean anomaly, String event) {}

    /**
     * A series' recent results.
     *
     * @param topic the result topic
     * @param alarms alarms raised while it was kept
     * @param lastAlarmSeq sequence number of its latest alarm, 0 when none
     * @param points results newer than what was asked for, oldest first
     */
    public record Series(String topic, long alarms, long lastAlarmSeq, List<Point> points) {
        /** Keeps an unmodifiable copy of the points. */
        public Series {
            points = List.copyOf(points);
        }
    }

    private static final class Ring {
        final ArrayDeque<Point> points = new ArrayDeque<>();
        long alarms;
        long lastAlarmSeq;
    }

    private final int maxSeries;
    private final int maxPoints;
    // access order: iteration starts at the series updated least recently
    private final LinkedHashMap<String, Ring> series = new LinkedHashMap<>(16, 0.75f, true);
    private long seq;

    /**
     * @param maxSeries series kept
     * @param maxPoints results kept per series
     */
    public SeriesBuffer(int maxSeries, int maxPoints) {
        if (maxSeries < 1 || maxPoints < 1) {
            throw new IllegalArgumentException("maxSeries and maxPoints must be at least 1");
        }
        this.maxSeries = maxSeries;
        this.maxPoints = maxPoints;
    }

    /**
     * Stores a result.
     *
     * @param topic result topic
     * @param ts time of the reading
     * @param value the reading
     * @param score anomaly score
     * @param anomaly alarm state
     * @param event {@code alarm}, {@code normal} or empty
     */
    public synchronized void add(String topic, String ts, double value, double score, boolean anomaly, String event) {
        Ring ring = series.get(topic);
        if (ring == null) {
            if (series.size() >= maxSeries) {
                Iterator<Map.Entry<String, Ring>> oldest = series.entrySet().iterator();
                oldest.next();
                oldest.remove();
            }
            ring = new Ring();
            series.put(topic, ring);
        }
        Point p = new Point(++seq, ts, value, score, anomaly, event);
        if (ring.points.size() >= maxPoints) {
            ring.points.removeFirst();
        }
        ring.points.addLast(p);
        if ("alarm".equals(event)) {
            ring.alarms++;
            ring.lastAlarmSeq = p.seq();
        }
    }

    /** @return the sequence number of the newest result, 0 when none */
    public synchronized long lastSeq() {
        return seq;
    }

    /** @return the series kept, least recently updated first */
    public synchronized List<String> topics() {
        return new ArrayList<>(series.keySet());
    }

    /**
     * @param topics the series wanted (unknown ones are left out)
     * @param after only results with a higher sequence number
     * @return the series with their newer results
     */
    public synchronized List<Series> read(List<String> topics, long after) {
        List<Series> out = new ArrayList<>();
        for (String topic : topics) {
            // a read must not count as an update: look it up without touching the access order
            Ring ring = null;
            for (Map.Entry<String, Ring> e : series.entrySet()) {
                if (e.getKey().equals(topic)) {
                    ring = e.getValue();
                }
            }
            if (ring == null) {
                continue;
            }
            List<Point> newer = new ArrayList<>();
            for (Point p : ring.points) {
                if (p.seq() > after) {
                    newer.add(p);
                }
            }
            out.add(new Series(topic, ring.alarms, ring.lastAlarmSeq, newer));
        }
        return out;
    }

    /**
     * @param max at most this many
     * @return the series with the most recent alarms, newest alarm first
     */
    public synchronized List<String> recentAlarms(int max) {
        List<Map.Entry<String, Ring>> alarmed = new ArrayList<>();
        for (Map.Entry<String, Ring> e : series.entrySet()) {
            if (e.getValue().lastAlarmSeq > 0) {
                alarmed.add(e);
            }
        }
        alarmed.sort((a, b) -> Long.compare(b.getValue().lastAlarmSeq, a.getValue().lastAlarmSeq));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(max, alarmed.size()); i++) {
            out.add(alarmed.get(i).getKey());
        }
        return out;
    }
}
