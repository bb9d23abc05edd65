package io.edgeai.gateway.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Drives a text pipeline: each text goes to its own room, {@code <prefix>/r<i>/voice}, so its result on
 * {@code <output prefix>/<prefix>/r<i>/voice} names it; latency is from publish to result.
 */
final class TextLoad implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final MqttAsyncClient pub;
    private final MqttAsyncClient sub;
    private final List<String> texts;
    private final String inputPrefix;
    private final AtomicLong received = new AtomicLong();
    private volatile long[] sendNanos = new long[0];
    private volatile long[] latency = new long[0];
    private volatile long lastNanos;

    /** A run: messages per second and latency percentiles. */
    record Run(int messages, long results, double msgsPerS, double p50Ms, double p99Ms) {}

    TextLoad(String uri, String name, List<String> texts, String inputPrefix, String outputPrefix) throws Exception {
        this.texts = texts;
        this.inputPrefix = inputPrefix;
        sub = Mqtt.connect(uri, name + "-results");
        Mqtt.subscribe(sub, outputPrefix + "/" + inputPrefix + "/#", 0, this::onResult);
        pub = Mqtt.connect(uri, name + "-devices");
    }

    private void onResult(String topic, byte[] payload) {
        long now = System.nanoTime();
        lastNanos = now;
        received.incrementAndGet();
        int at = topic.indexOf("/r", topic.indexOf(inputPrefix));
        int end = topic.indexOf('/', at + 2);
        if (at < 0 || end < 0) {
            return;
        }
        try {
            int i = Integer.parseInt(topic.substring(at + 2, end));
            long[] send = sendNanos;
            if (i >= 0 && i < send.length && send[i] > 0) {
                latency[i] = now - send[i];
            }
        } catch (NumberFormatException probe) {
            // the probe's room
        }
    }

    private byte[] payload(int i) throws Exception {
        return ("{\"text\":" + JSON.writeValueAsString(texts.get(i % texts.size())) + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Publishes a probe text every 200 ms until its result arrives. */
    void probe(long maxMillis) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        long before = received.get();
        while (System.nanoTime() < end) {
            Mqtt.publish(pub, inputPrefix + "/probe/voice", payload(0), 0);
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            while (System.nanoTime() < until) {
                if (received.get() > before) {
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
        throw new IllegalStateException("no text result on " + inputPrefix + " within " + maxMillis + " ms");
    }

    /**
     * @param n messages
     * @param perSecond fixed rate, or 0 for closed loop with {@code window} messages outstanding
     * @param window outstanding messages in closed loop
     */
    Run run(int n, double perSecond, int window) throws Exception {
        long[] send = new long[n];
        long[] lat = new long[n];
        Arrays.fill(lat, -1);
        latency = lat;
        sendNanos = send;
        received.set(0);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (perSecond > 0) {
                Stats.parkUntil(t0 + (long) (i * 1e9 / perSecond));
            } else {
                long stuck = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (i - received.get() >= window && System.nanoTime() < stuck) {
                    LockSupport.parkNanos(50_000);
                }
            }
            byte[] p = payload(i);
            send[i] = System.nanoTime();
            Mqtt.publish(pub, inputPrefix + "/r" + i + "/voice", p, 0);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long seen = -1;
        long seenAt = System.nanoTime();
        while (received.get() < n && System.nanoTime() < deadline) {
            long r = received.get();
            if (r != seen) {
                seen = r;
                seenAt = System.nanoTime();
            } else if (System.nanoTime() - seenAt > TimeUnit.SECONDS.toNanos(5)) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        long got = received.get();
        double secs = (lastNanos - t0) / 1e9;
        return new Run(n, got, got / secs, Stats.percentileMs(lat, 50), Stats.percentileMs(lat, 99));
    }

    @Override
    public void close() {
        Mqtt.close(pub);
        Mqtt.close(sub);
    }
}
