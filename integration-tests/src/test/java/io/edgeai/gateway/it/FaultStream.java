package io.edgeai.gateway.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The devices and the result consumer of a fault test: a QoS 1 publisher of readings
 * {@code sensors/d<k>/v} = {@code {"ts":<seq>,"value":...}} (seq 1, 2, ... per device) and a QoS 1
 * subscriber of {@code edgeai/anomaly/#}, both on persistent sessions with Paho's automatic reconnect (so
 * the publisher re-sends what the broker did not acknowledge). It records when each input was
 * acknowledged and every result in arrival order, and accounts for lost, duplicated and reordered ones.
 */
final class FaultStream implements AutoCloseable {
    private static final Pattern RESULT = Pattern.compile("\"device\":\"d(\\d+)\".*\"ts\":\"(\\d+)\"");

    private final int devices;
    private final int messages;
    private final MqttAsyncClient publisher;
    private final MqttAsyncClient subscriber;
    /** nanoTime of each input's PUBACK, by message index; 0 while not acknowledged. */
    private final long[] acked;
    /** nanoTime of each input's first result, by message index; 0 while none. */
    private final long[] firstResult;
    /** Results per device in arrival order (seq numbers). */
    private final Map<Integer, List<Long>> results = new ConcurrentHashMap<>();

    private final AtomicLong resultCount = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private volatile boolean probed;
    private volatile long lastResultNanos;

    FaultStream(String publishUri, String resultUri, String prefix, int devices, int messages) throws MqttException {
        this.devices = devices;
        this.messages = messages;
        this.acked = new long[messages];
        this.firstResult = new long[messages];
        for (int d = 0; d < devices; d++) {
            results.put(d, java.util.Collections.synchronizedList(new ArrayList<>(messages / devices + 16)));
        }
        subscriber = new MqttAsyncClient(resultUri, prefix + "-results", new MemoryPersistence());
        subscriber.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                try {
                    subscriber.subscribe(new String[] {"edgeai/anomaly/#", "edgeai/deadletter/#"}, new int[] {1, 1});
                } catch (MqttException e) {
                    // the persistent session keeps the subscription anyway
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
                // automatic reconnect
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                if (topic.startsWith("edgeai/deadletter/")) {
                    deadLetters.incrementAndGet();
                    return;
                }
                if (topic.startsWith("edgeai/anomaly/probe/")) {
                    probed = true;
                    return;
                }
                Matcher m = RESULT.matcher(new String(message.getPayload(), StandardCharsets.UTF_8));
                if (m.find()) {
                    int device = Integer.parseInt(m.group(1));
                    long seq = Long.parseLong(m.group(2));
                    results.get(device).add(seq);
                    long index = (seq - 1) * devices + device;
                    if (index >= 0 && index < messages && firstResult[(int) index] == 0) {
                        firstResult[(int) index] = System.nanoTime();
                    }
                    resultCount.incrementAndGet();
                    lastResultNanos = System.nanoTime();
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // not publishing
            }
        });
        subscriber.connect(options()).waitForCompletion(10_000);
        subscriber
                .subscribe(new String[] {"edgeai/anomaly/#", "edgeai/deadletter/#"}, new int[] {1, 1})
                .waitForCompletion(10_000);
        publisher = new MqttAsyncClient(publishUri, prefix + "-devices", new MemoryPersistence());
        publisher.connect(options()).waitForCompletion(10_000);
    }

    private static MqttConnectOptions options() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(false);
        o.setAutomaticReconnect(true);
        o.setMaxReconnectDelay(500);
        o.setMaxInflight(1000);
        o.setKeepAliveInterval(5);
        return o;
    }

    /** Publishes a probe reading until its result comes back: the pipeline is subscribed and has its model. */
    void awaitPipeline(Duration timeout) {
        Poll.until("a result for a probe reading", timeout, () -> {
            if (!probed) {
                publisher.publish("sensors/probe/v", "1.0".getBytes(StandardCharsets.UTF_8), 0, false);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
            return probed;
        });
    }

    /** @return dead letters received (none expected from these readings) */
    long deadLetters() {
        return deadLetters.get();
    }

    /** @return the topic of message {@code i} */
    String topic(int i) {
        return "sensors/d" + (i % devices) + "/v";
    }

    /** @return the per-device sequence number of message {@code i} (1-based) */
    long seq(int i) {
        return i / devices + 1;
    }

    /**
     * Publishes messages {@code from} (inclusive) to {@code to} (exclusive) at about {@code perSecond},
     * waiting out a full in-flight window or a broker that is away. {@code before} runs before message i.
     */
    void publish(int from, int to, int perSecond, Duration deadline, IntConsumer before) {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        for (int i = from; i < to; i++) {
            before.accept(i);
            long due = start + (long) ((i - from) * (1e9 / perSecond));
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            send(i, end);
        }
    }

    private void send(int i, long end) {
        byte[] payload = ("{\"ts\":" + seq(i) + ",\"value\":" + (50 + 10 * Math.sin(seq(i) / 40.0)) + "}")
                .getBytes(StandardCharsets.UTF_8);
        while (true) {
            try {
                publisher.publish(topic(i), payload, 1, false, null, new IMqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        acked[i] = System.nanoTime();
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable e) {
                        // re-sent by resendUnacknowledged, as a device re-sends what it has no PUBACK for
                    }
                });
                return;
            } catch (MqttException e) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("publisher stuck at message " + i + ": " + e.getMessage(), e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(
                        e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT ? 1 : 20));
            }
        }
    }

    private int unacknowledged() {
        int n = 0;
        for (long a : acked) {
            if (a == 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * Waits until the broker acknowledged every input; an input still without PUBACK after {@code patience}
     * (its token failed when the connection broke) is published again, as a device does.
     *
     * @return inputs the devices had to publish again
     */
    int awaitAcked(Duration patience, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        int resent = 0;
        while (unacknowledged() > 0 && System.nanoTime() < end) {
            long wait = System.nanoTime() + patience.toNanos();
            while (unacknowledged() > 0 && System.nanoTime() < wait) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            for (int i = 0; i < messages; i++) {
                if (acked[i] == 0) {
                    send(i, end);
                    resent++;
                }
            }
        }
        if (unacknowledged() > 0) {
            throw new AssertionError(unacknowledged() + " inputs never acknowledged by the broker");
        }
        return resent;
    }

    /** Waits until every input has a result, or until no result came for {@code quiet}. */
    void awaitResults(Duration timeout, Duration quiet) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (missing().isEmpty()) {
                return;
            }
            if (System.nanoTime() - lastResultNanos > quiet.toNanos() && lastResultNanos != 0) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** @return when the last result arrived ({@link System#nanoTime()}) */
    long lastResultNanos() {
        return lastResultNanos;
    }

    /** @return results received, duplicates included */
    long resultCount() {
        return resultCount.get();
    }

    /** @return message indexes without any result */
    List<Integer> missing() {
        List<Integer> out = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            java.util.BitSet seen = new java.util.BitSet();
            List<Long> r = results.get(d);
            synchronized (r) {
                for (long s : r) {
                    seen.set((int) s);
                }
            }
            for (int i = d; i < messages; i += devices) {
                if (!seen.get((int) seq(i))) {
                    out.add(i);
                }
            }
        }
        return out;
    }

    /** @return results beyond the first for the same input */
    long duplicates() {
        long distinct = 0;
        for (List<Long> r : results.values()) {
            synchronized (r) {
                distinct += r.stream().distinct().count();
            }
        }
        return resultCount.get() - distinct;
    }

    /** @return devices whose first-seen results are not in input order, with the first offending pair */
    List<String> outOfOrder() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Integer, List<Long>> e : results.entrySet()) {
            java.util.Set<Long> seen = new java.util.HashSet<>();
            long last = 0;
            synchronized (e.getValue()) {
                for (long s : e.getValue()) {
                    if (seen.add(s)) {
                        if (s < last) {
                            out.add("d" + e.getKey() + ": " + s + " after " + last);
                            break;
                        }
                        last = s;
                    }
                }
            }
        }
        return out;
    }

    /**
     * @param to message index (exclusive)
     * @return when the last of the inputs before {@code to} got its first result ({@link System#nanoTime()})
     */
    long lastFirstResultBefore(int to) {
        long last = 0;
        for (int i = 0; i < to; i++) {
            last = Math.max(last, firstResult[i]);
        }
        return last;
    }

    /**
     * @param at a {@link System#nanoTime()}
     * @return the highest message index whose first result had arrived by then (-1 for none): how far the
     *         results had got at that moment
     */
    int resultFrontier(long at) {
        int frontier = -1;
        for (int i = 0; i < messages; i++) {
            if (firstResult[i] != 0 && firstResult[i] <= at) {
                frontier = i;
            }
        }
        return frontier;
    }

    /** @return nanoTime of the input's PUBACK, 0 if none */
    long ackedAt(int i) {
        return acked[i];
    }

    /**
     * Appends a line to the fault report ({@code edgeai.fault.report}, default
     * {@code target/fault-report.txt}) and prints it.
     */
    static void report(String line) {
        System.out.println(line);
        Path p = Path.of(System.getProperty("edgeai.fault.report", "target/fault-report.txt"));
        try {
            Files.createDirectories(p.toAbsolutePath().getParent());
            Files.writeString(p, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            System.out.println("(report not written: " + e + ")");
        }
    }

    /** @return bytes of the files under a directory (0 when it does not exist) */
    static long diskBytes(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (java.io.IOException gone) {
                            return 0;
                        }
                    })
                    .sum();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        for (MqttAsyncClient c : List.of(publisher, subscriber)) {
            try {
                c.disconnectForcibly(0, 1000, false);
            } catch (MqttException | RuntimeException e) {
                // not connected
            }
            try {
                c.close(true);
            } catch (MqttException | RuntimeException e) {
                // released
            }
        }
    }
}
