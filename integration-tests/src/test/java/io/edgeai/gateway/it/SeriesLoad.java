package io.edgeai.gateway.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Devices that each send readings to their own new series {@code <root>/dev-<i>/temp} at QoS 1, and a consumer
 * of what the gateway answers for them: a result on {@code <results>/dev-<i>/temp} or a dead letter on
 * {@code edgeai/deadletter/<root>/dev-<i>/temp}. Counts every outcome per series, so one can check that each
 * input had exactly one.
 */
final class SeriesLoad implements AutoCloseable {
    private static final Pattern CODE = Pattern.compile("\"code\":\"([^\"]+)\"");
    private static final Pattern REASON = Pattern.compile("\"reason\":\"([^\"]+)\"");

    private final String root;
    private final String results;
    private final int first;
    private final int count;
    private final MqttAsyncClient publisher;
    private final MqttAsyncClient subscriber;
    private final AtomicIntegerArray resultsPer;
    private final AtomicIntegerArray deadLettersPer;
    private final Map<String, AtomicLong> codes = new ConcurrentHashMap<>();
    private final Map<String, String> reasons = new ConcurrentHashMap<>();
    private final AtomicLong outcomes = new AtomicLong();
    private volatile long lastOutcomeNanos = System.nanoTime();

    /**
     * @param uri broker
     * @param root first topic level of the inputs, e.g. {@code sensors}
     * @param results result topic root, e.g. {@code edgeai/anomaly}
     * @param first index of the first series
     * @param count series
     */
    SeriesLoad(String uri, String root, String results, int first, int count) throws MqttException {
        this.root = root;
        this.results = results;
        this.first = first;
        this.count = count;
        this.resultsPer = new AtomicIntegerArray(count);
        this.deadLettersPer = new AtomicIntegerArray(count);
        String id = "series-load-" + root + "-" + first + "-" + System.nanoTime() % 100000;
        subscriber = new MqttAsyncClient(uri, id + "-sub", new MemoryPersistence());
        subscriber.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {}

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                arrived(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {}
        });
        subscriber.connect(options()).waitForCompletion(10_000);
        subscriber
                .subscribe(
                        new String[] {results + "/+/temp", "edgeai/deadletter/" + root + "/+/temp"}, new int[] {1, 1})
                .waitForCompletion(10_000);
        publisher = new MqttAsyncClient(uri, id + "-pub", new MemoryPersistence());
        publisher.connect(options()).waitForCompletion(10_000);
    }

    private static MqttConnectOptions options() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(1000);
        o.setKeepAliveInterval(30);
        return o;
    }

    private void arrived(String topic, byte[] payload) {
        boolean dead = topic.startsWith("edgeai/deadletter/");
        String device = topic.substring(topic.lastIndexOf('/', topic.length() - 6) + 1, topic.length() - 5);
        if (!device.startsWith("dev-")) {
            return;
        }
        int i;
        try {
            i = Integer.parseInt(device.substring(4)) - first;
        } catch (NumberFormatException e) {
            return;
        }
        if (i < 0 || i >= count) {
            return;
        }
        if (dead) {
            String text = new String(payload, StandardCharsets.UTF_8);
            Matcher c = CODE.matcher(text);
            String code = c.find() ? c.group(1) : "?";
            codes.computeIfAbsent(code, k -> new AtomicLong()).incrementAndGet();
            Matcher r = REASON.matcher(text);
            if (r.find()) {
                reasons.putIfAbsent(code, r.group(1));
            }
            deadLettersPer.incrementAndGet(i);
        } else {
            resultsPer.incrementAndGet(i);
        }
        outcomes.incrementAndGet();
        lastOutcomeNanos = System.nanoTime();
    }

    /** @return the input topic of series {@code i} (0-based within this load) */
    String topic(int i) {
        return root + "/dev-" + (first + i) + "/temp";
    }

    /**
     * Publishes one reading to each series at QoS 1, at most 500 unacknowledged at a time.
     *
     * @param timeout for the whole run
     */
    void publishOneEach(Duration timeout) throws Exception {
        for (int i = 0; i < count; i++) {
            publish(i, 20 + (i % 17));
        }
        drain(timeout);
    }

    private final Semaphore window = new Semaphore(500);

    /**
     * @param i series
     * @param value reading
     */
    void publish(int i, double value) throws Exception {
        if (!window.tryAcquire(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the broker acknowledged nothing for 60 s");
        }
        MqttMessage m = new MqttMessage(("{\"value\":" + value + "}").getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        publisher.publish(topic(i), m, null, new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                window.release();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
                window.release();
            }
        });
    }

    /** Waits until every publish was acknowledged by the broker. */
    void drain(Duration timeout) throws InterruptedException {
        if (!window.tryAcquire(500, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("publishes not acknowledged by the broker within " + timeout);
        }
        window.release(500);
    }

    /**
     * Waits until every series has at least {@code n} outcomes, then for {@code quiet} without a further one (to
     * see duplicates).
     */
    void awaitOutcomes(int n, Duration timeout, Duration quiet) {
        try {
            Poll.until("every series to have " + n + " outcome(s)", timeout, () -> missing(n) == 0);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; now " + this, e);
        }
        Poll.until("no outcome for " + quiet, timeout, () -> System.nanoTime() - lastOutcomeNanos > quiet.toNanos());
    }

    /** @return series with fewer than {@code n} outcomes */
    int missing(int n) {
        int m = 0;
        for (int i = 0; i < count; i++) {
            if (resultsPer.get(i) + deadLettersPer.get(i) < n) {
                m++;
            }
        }
        return m;
    }

    /** @return series with more than {@code n} outcomes */
    int beyond(int n) {
        int m = 0;
        for (int i = 0; i < count; i++) {
            if (resultsPer.get(i) + deadLettersPer.get(i) > n) {
                m++;
            }
        }
        return m;
    }

    /** @return series with at least one result */
    int scored() {
        int m = 0;
        for (int i = 0; i < count; i++) {
            if (resultsPer.get(i) > 0) {
                m++;
            }
        }
        return m;
    }

    /** @return the first series with a result, -1 when none */
    int firstScored() {
        for (int i = 0; i < count; i++) {
            if (resultsPer.get(i) > 0) {
                return i;
            }
        }
        return -1;
    }

    /** @return results of series {@code i} */
    int results(int i) {
        return resultsPer.get(i);
    }

    /** @return dead letters by code */
    Map<String, Long> codes() {
        Map<String, Long> out = new java.util.TreeMap<>();
        codes.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** @return the first reason seen for a code, null when none */
    String reason(String code) {
        return reasons.get(code);
    }

    @Override
    public String toString() {
        return count + " series, " + outcomes.get() + " outcomes, " + scored() + " scored, dead letters " + codes()
                + ", " + missing(1) + " without an outcome";
    }

    @Override
    public void close() {
        for (MqttAsyncClient c : new MqttAsyncClient[] {publisher, subscriber}) {
            try {
                c.disconnect().waitForCompletion(5000);
            } catch (MqttException e) {
                // closing anyway
            }
            try {
                c.close();
            } catch (MqttException e) {
                // gone
            }
        }
    }
}
