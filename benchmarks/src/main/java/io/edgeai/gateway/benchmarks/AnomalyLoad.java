package io.edgeai.gateway.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Drives whoever does the anomaly job on a broker (the gateway or the Node.js peer): readings in on
 * {@code sensors/<device>/temperature} at QoS 0, results counted (and for latency matched by device and
 * {@code ts}) on {@code edgeai/anomaly/#}.
 */
final class AnomalyLoad implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final MqttAsyncClient pub;
    private final MqttAsyncClient sub;
    private final Readings readings;
    final Mqtt.Arrivals results = new Mqtt.Arrivals();
    private volatile long[] sendNanos;
    private volatile long[] latency;
    private volatile double[] scores = new double[0];
    private volatile long seqBase;
    private final AtomicLong unmatched = new AtomicLong();

    /** Saturation: results per second, and how many of the inputs got no result (dropped when overloaded). */
    record Saturation(long sent, long results, double msgsPerS) {}

    AnomalyLoad(String uri, String name, int series) throws Exception {
        readings = new Readings(series);
        sub = Mqtt.connect(uri, name + "-results");
        Mqtt.subscribe(sub, "edgeai/anomaly/#", 0, this::onResult);
        pub = Mqtt.connect(uri, name + "-devices");
    }

    private void onResult(String topic, byte[] payload) {
        results.accept(topic, payload);
        long[] send = sendNanos;
        if (send == null) {
            return;
        }
        long now = System.nanoTime();
        try {
            JsonNode n = JSON.readTree(payload);
            int s = Integer.parseInt(n.path("device").asText().substring("dev-".length()));
            long seq = Readings.seqOfTs(n.path("ts").asText());
            long i = (seq - seqBase) * readings.series() + s;
            if (i >= 0 && i < send.length && send[(int) i] > 0) {
                latency[(int) i] = now - send[(int) i];
                scores[(int) i] =
                        n.path("warmingUp").asBoolean() ? -1 : n.path("score").asDouble();
            } else {
                unmatched.incrementAndGet();
            }
        } catch (IOException | RuntimeException e) { // not JSON, or not a result of this load
            unmatched.incrementAndGet();
        }
    }

    /**
     * Publishes a probe reading every 100 ms until the first result arrives (the subscriber of the job
     * subscribes asynchronously).
     *
     * @param maxMillis deadline
     * @return milliseconds until the first result
     */
    long probe(long maxMillis) throws Exception {
        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        long before = results.count.get();
        long nextSend = t0;
        while (System.nanoTime() < end) {
            if (results.count.get() > before) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            }
            if (System.nanoTime() >= nextSend) {
                // its own series, so the measured series stay in step
                Mqtt.publish(pub, "sensors/probe/temperature", "{\"value\":1.0}".getBytes(StandardCharsets.UTF_8), 0);
                nextSend += TimeUnit.MILLISECONDS.toNanos(100);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        throw new IllegalStateException("no result within " + maxMillis + " ms");
    }

    /**
     * Brings every series past its warm-up: {@code perSeries} readings each, in chunks that wait for their
     * results, so nothing is dropped.
     */
    void warmUp(int perSeries) throws Exception {
        int total = perSeries * readings.series();
        int chunk = 2000;
        for (int done = 0; done < total; done += chunk) {
            results.reset();
            int n = Math.min(chunk, total - done);
            for (int i = 0; i < n; i++) {
                int s = (done + i) % readings.series();
                Mqtt.publish(pub, readings.topic(s), readings.nextPayload(s), 0);
            }
            results.await(n, 5000, 60_000);
        }
        results.reset();
    }

    /**
     * Publishes {@code n} readings as fast as the broker takes them, round robin over the series, and counts
     * the results until all arrived or none came for 3 s.
     */
    Saturation saturate(int n) throws Exception {
        results.reset();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            int s = i % readings.series();
            Mqtt.publish(pub, readings.topic(s), readings.nextPayload(s), 0);
        }
        long got = results.await(n, 3000, 600_000);
        double secs = (results.lastNanos - t0) / 1e9;
        return new Saturation(n, got, got == 0 ? 0 : got / secs);
    }

    /**
     * Publishes {@code n} readings at a fixed rate (round robin) and records each one's latency from publish
     * to result.
     *
     * @return latencies in nanoseconds, -1 where no result came
     */
    long[] paced(double perSecond, int n) throws Exception {
        int series = readings.series();
        n = n / series * series;
        long[] send = new long[n];
        long[] lat = new long[n];
        Arrays.fill(lat, -1);
        seqBase = readings.nextSeq(0);
        for (int s = 1; s < series; s++) {
            if (readings.nextSeq(s) != seqBase) {
                throw new IllegalStateException("series out of step");
            }
        }
        latency = lat;
        double[] sc = new double[n];
        Arrays.fill(sc, Double.NaN);
        scores = sc;
        sendNanos = send;
        results.reset();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Stats.parkUntil(t0 + (long) (i * 1e9 / perSecond));
            int s = i % series;
            byte[] p = readings.nextPayload(s);
            send[i] = System.nanoTime();
            Mqtt.publish(pub, readings.topic(s), p, 0);
        }
        results.await(n, 3000, 60_000);
        sendNanos = null;
        return lat;
    }

    /** @return the scores of the last {@link #paced} run by reading (NaN: no result, -1: warming up) */
    double[] lastScores() {
        return scores;
    }

    @Override
    public void close() {
        Mqtt.close(pub);
        Mqtt.close(sub);
    }
}
