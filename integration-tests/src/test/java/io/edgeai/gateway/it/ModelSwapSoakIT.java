package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.wiring.BundleRevisions;
import org.osgi.framework.wiring.FrameworkWiring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.ModelEvent;
import io.edgeai.gateway.api.ModelListener;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * Soak: 100 consecutive model swaps ({@code bundle:update} of one model bundle to the next version) under a
 * steady stream of readings through mosquitto. Reports RSS, threads, loaded classes and bundle revisions
 * before and after, end-to-end p99 latency during the swaps against steady state, and swap timings, to
 * {@code target/soak-report.txt}. Not part of the default build (about 2 minutes); run it with
 * {@code mvn -pl integration-tests verify -Dit.test=ModelSwapSoakIT}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ModelSwapSoakIT extends KarafTestSupport {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int RATE = 2_000;
    private static final int DEVICES = 20;
    private static final int WARMUP_SWAPS = 10;
    private static final int SWAPS = 100;
    private static final long STEADY_NANOS = 15_000_000_000L;
    /** Room for every reading of the longest run the deadlines allow. */
    private static final int MAX_PER_DEVICE = RATE * 300 / DEVICES;

    private final long[][] sentNanos = new long[DEVICES][MAX_PER_DEVICE];
    private final AtomicLong results = new AtomicLong();
    private final AtomicLong probes = new AtomicLong();
    private final Map<String, Long> swappedAt = new ConcurrentHashMap<>();
    private final LatencyLog latencies = new LatencyLog();
    private volatile boolean publishing = true;

    @Override
    protected Option[] extraOptions() {
        List<Option> options = new ArrayList<>(TestModels.options());
        options.add(systemProperty("edgeai.soak.report")
                .value(System.getProperty("edgeai.soak.report", "target/soak-report.txt")));
        return options.toArray(new Option[0]);
    }

    /** Latencies in microseconds of readings sent while swaps ran, and of the others after warm-up. */
    private static final class LatencyLog {
        final long[] steady = new long[MAX_PER_DEVICE * DEVICES];
        final long[] swapping = new long[MAX_PER_DEVICE * DEVICES];
        int steadyCount;
        int swappingCount;
        volatile long swapFrom = Long.MAX_VALUE;
        volatile long swapTo = Long.MAX_VALUE;
        volatile long steadyFrom = Long.MAX_VALUE;

        synchronized void add(long sent, long micros) {
            if (sent >= swapFrom && sent <= swapTo) {
                swapping[swappingCount++] = micros;
            } else if (sent >= steadyFrom) {
                steady[steadyCount++] = micros;
            }
        }

        synchronized String percentiles(boolean duringSwaps) {
            long[] a = Arrays.copyOf(duringSwaps ? swapping : steady, duringSwaps ? swappingCount : steadyCount);
            Arrays.sort(a);
            if (a.length == 0) {
                return "none";
            }
            return String.format(
                    "n=%d p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                    a.length, a[a.length / 2] / 1000.0, a[(int) (a.length * 0.99)] / 1000.0, a[a.length - 1] / 1000.0);
        }
    }

    private record Footprint(long rssKb, int threads, long edgeaiThreads, int loadedClasses, int revisions) {
        @Override
        public String toString() {
            return String.format(
                    "RSS %d MB, threads %d (edgeai-* %d), loaded classes %d, bundle revisions %d",
                    rssKb / 1024, threads, edgeaiThreads, loadedClasses, revisions);
        }
    }

    private Footprint footprint() throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long rss = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                .findFirst()
                .orElse(-1);
        int revisions = 0;
        for (Bundle b : bundleContext.getBundles()) {
            revisions += b.adapt(BundleRevisions.class).getRevisions().size();
        }
        long edgeai = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("edgeai-"))
                .count();
        return new Footprint(
                rss,
                ManagementFactory.getThreadMXBean().getThreadCount(),
                edgeai,
                ManagementFactory.getClassLoadingMXBean().getLoadedClassCount(),
                revisions);
    }

    @Test
    public void hundredSwapsUnderLoadLeaveTheFootprintFlat() throws Exception {
        ServiceRegistration<ModelListener> listener = bundleContext.registerService(
                ModelListener.class,
                e -> {
                    if (e.type() == ModelEvent.Type.SWAPPED) {
                        swappedAt.put(e.version(), System.nanoTime());
                    }
                },
                null);
        String embedded = String.valueOf(configurationAdmin
                .listConfigurations("(service.factoryPid=" + CONNECTION_FACTORY_PID + ")")[0]
                .getProperties()
                .get("serverUri"));
        Bundle model = null;
        StringBuilder report = new StringBuilder();
        try (Mosquitto mosquitto = Mosquitto.startOnFreePort()) {
            updateConnection(Map.of("serverUri", mosquitto.uri(), "publishQueueCapacity", 200_000));
            Poll.until("connected to mosquitto", TIMEOUT, () -> {
                MqttConnection c = service(MqttConnection.class);
                return c.status().serverUri().equals(mosquitto.uri())
                        && c.status().state() == ConnectionState.CONNECTED;
            });
            MqttAsyncClient observer = client(mosquitto.uri(), "soak-observer");
            observer.subscribe("edgeai/anomaly/+/soak", 1, (topic, m) -> observe(m.getPayload()))
                    .waitForCompletion();
            MqttAsyncClient device = client(mosquitto.uri(), "soak-device");
            Poll.until("pipeline listening", TIMEOUT, () -> {
                publish(device, "sensors/soak-probe/soak", "1".getBytes(StandardCharsets.UTF_8));
                return probes.get() > 0;
            });

            Thread publisher = new Thread(() -> load(device), "soak-publisher");
            long started = System.nanoTime();
            publisher.start();
            model = bundleContext.installBundle(
                    "memory:nab-ae-soak", new ByteArrayInputStream(TestModels.version("nab-ae-soak", "3.0.0")));
            model.start();
            Poll.until("3.0.0 serving", TIMEOUT, () -> servingVersion().equals("3.0.0"));
            long[] warmup = swaps(model, 1, WARMUP_SWAPS);
            sleepUntil(started + STEADY_NANOS * 2 / 3);
            // measured before the steady window: the forced GCs of a measurement would show in its latencies
            Footprint before = footprint();
            sleepUntil(System.nanoTime() + 1_000_000_000L);
            latencies.steadyFrom = System.nanoTime();
            sleepUntil(System.nanoTime() + STEADY_NANOS / 2);

            latencies.swapFrom = System.nanoTime();
            long[] millis = swaps(model, WARMUP_SWAPS + 1, SWAPS);
            latencies.swapTo = System.nanoTime();
            sleepUntil(System.nanoTime() + STEADY_NANOS / 2);
            publishing = false;
            publisher.join(30_000);
            long sent = sentCount();
            Poll.until("every result (" + sent + ")", Duration.ofSeconds(120), () -> results.get() >= sent);
            Footprint after = footprint();
            java.util.concurrent.BlockingQueue<Object> refreshDone = new java.util.concurrent.ArrayBlockingQueue<>(1);
            bundleContext.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(null, e -> refreshDone.offer(e));
            assertTrue(
                    "refresh finished",
                    refreshDone.poll(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS) != null);
            Footprint refreshed = footprint();

            long[] sorted = millis.clone();
            Arrays.sort(sorted);
            report.append(String.format(
                    "Model swap soak: %d swaps (bundle update to the next version, after %d warm-up"
                            + " swaps) under %d readings/s over %d series through mosquitto; %d readings, %d results%n",
                    SWAPS, WARMUP_SWAPS, RATE, DEVICES, sent, results.get()));
            report.append("before:  ").append(before).append('\n');
            report.append("after:   ").append(after).append('\n');
            report.append("refresh: ").append(refreshed).append('\n');
            report.append(
                    String.format("RSS change %+.1f %%%n", 100.0 * (after.rssKb() - before.rssKb()) / before.rssKb()));
            report.append("latency steady:       ")
                    .append(latencies.percentiles(false))
                    .append('\n');
            report.append("latency during swaps: ")
                    .append(latencies.percentiles(true))
                    .append('\n');
            report.append(String.format(
                    "swap (update call to serving): median %d ms, p90 %d ms, max %d ms, total %.1f s"
                            + " for %d swaps; warm-up swaps median %d ms%n",
                    sorted[SWAPS / 2],
                    sorted[SWAPS * 9 / 10],
                    sorted[SWAPS - 1],
                    Arrays.stream(millis).sum() / 1000.0,
                    SWAPS,
                    median(warmup)));
            System.out.print(report);
            Path out = Path.of(System.getProperty("edgeai.soak.report"));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report.toString());

            assertEquals("one result per reading", sent, results.get());
            assertTrue(report.toString(), after.rssKb() <= before.rssKb() * 1.10);
            assertTrue(report.toString(), after.edgeaiThreads() <= before.edgeaiThreads());
            assertTrue(report.toString(), after.threads() <= before.threads());
            assertTrue(report.toString(), refreshed.revisions() <= before.revisions());
            observer.disconnect().waitForCompletion();
            device.disconnect().waitForCompletion();
        } finally {
            listener.unregister();
            if (model != null) {
                model.uninstall();
            }
            updateConnection(Map.of("serverUri", embedded, "publishQueueCapacity", 10_000));
        }
    }

    /** @return how long each swap took, update call to the new version serving, in ms */
    private long[] swaps(Bundle model, int first, int count) throws Exception {
        long[] millis = new long[count];
        for (int i = 0; i < count; i++) {
            String version = "3.0." + (first + i);
            byte[] jar = TestModels.version("nab-ae-soak", version);
            long start = System.nanoTime();
            model.update(new ByteArrayInputStream(jar));
            long at = Poll.until("version " + version + " serving", TIMEOUT, () -> swappedAt.get(version));
            millis[i] = (at - start) / 1_000_000;
            Poll.until(
                    "version " + version + " registered",
                    TIMEOUT,
                    () -> servingVersion().equals(version));
        }
        return millis;
    }

    private static long median(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private long sentCount() {
        long n = 0;
        for (long[] d : sentNanos) {
            for (long t : d) {
                if (t != 0) {
                    n++;
                }
            }
        }
        return n;
    }

    private void load(MqttAsyncClient device) {
        long start = System.nanoTime();
        try {
            for (long n = 0; publishing && n / DEVICES < MAX_PER_DEVICE; n++) {
                long due = start + n * 1_000_000_000L / RATE;
                if (System.nanoTime() < due) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
                int d = (int) (n % DEVICES);
                int seq = (int) (n / DEVICES);
                double value = 20 + 5 * Math.sin(seq / 20.0) + (seq % 7) * 0.1;
                sentNanos[d][seq] = System.nanoTime();
                publish(
                        device,
                        "sensors/soak-" + d + "/soak",
                        ("{\"ts\":" + (1_700_000_000_000L + seq * 60_000L) + ",\"value\":" + value + "}")
                                .getBytes(StandardCharsets.UTF_8));
            }
        } catch (MqttException e) {
            System.out.println("soak publisher failed: " + e);
        }
    }

    private void observe(byte[] payload) {
        long now = System.nanoTime();
        try {
            JsonNode r = MAPPER.readTree(payload);
            String device = r.get("device").asText();
            if (device.equals("soak-probe")) {
                probes.incrementAndGet();
                return;
            }
            results.incrementAndGet();
            int d = Integer.parseInt(device.substring(5));
            int seq = (int) ((r.get("ts").asLong() - 1_700_000_000_000L) / 60_000L);
            long sent = sentNanos[d][seq];
            latencies.add(sent, (now - sent) / 1000);
        } catch (Exception e) {
            System.out.println("unreadable result: " + e);
        }
    }

    private static void publish(MqttAsyncClient client, String topic, byte[] payload) throws MqttException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                client.publish(topic, payload, 1, false);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT || System.nanoTime() > deadline) {
                    throw e;
                }
                LockSupport.parkNanos(200_000);
            }
        }
    }

    private static MqttAsyncClient client(String uri, String id) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(uri, id, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(5000);
        c.connect(o).waitForCompletion(TIMEOUT.toMillis());
        return c;
    }

    private static void sleepUntil(long nanos) {
        while (System.nanoTime() < nanos) {
            LockSupport.parkNanos(nanos - System.nanoTime());
        }
    }

    private String servingVersion() {
        ServiceReference<ModelRunner> ref = bundleContext.getServiceReference(ModelRunner.class);
        return ref == null ? "" : String.valueOf(ref.getProperty("edgeai.model.version"));
    }
}
