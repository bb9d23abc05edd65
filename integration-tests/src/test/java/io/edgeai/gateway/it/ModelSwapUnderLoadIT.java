package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.Pipeline;
import io.edgeai.gateway.api.PipelineStatus;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * The model lifecycle's promise under load: a sustained stream of 5,000 readings/s for 32 s through mosquitto
 * and the demo pipeline while the model is swapped ten times (bundle install and bundle update, alternately)
 * and then rolled back from the console. Every reading gets exactly one result, nothing is dead-lettered or
 * dropped, every result names the model version that scored it, and per series the versions follow the
 * order in which they went live (the switch point is monotonic).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ModelSwapUnderLoadIT extends KarafTestSupport {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int RATE = 5_000;
    private static final int SECONDS = 32;
    private static final int DEVICES = 50;
    private static final int SWAPS = 10;
    private static final long TS_BASE = 1_700_000_000_000L;
    private static final Duration DRAIN = Duration.ofSeconds(120);

    @Override
    protected Option[] extraOptions() {
        return TestModels.options().toArray(new Option[0]);
    }

    /** Results seen per device: the model version index of each reading by its sequence number. */
    private final Map<String, int[]> versionBySeq = new ConcurrentHashMap<>();

    private final Map<String, Integer> versionIndex = new ConcurrentHashMap<>();
    private final List<String> versionNames = new ArrayList<>();
    private final AtomicLong results = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private final AtomicInteger probes = new AtomicInteger();

    @Test
    public void tenSwapsAndARollbackUnderSustainedLoadLoseNothing() throws Exception {
        String embedded = serverUri();
        List<Bundle> installed = new ArrayList<>();
        try (Mosquitto mosquitto = Mosquitto.startOnFreePort()) {
            updateConnection(Map.of("serverUri", mosquitto.uri(), "publishQueueCapacity", 200_000));
            updatePipeline(Map.of("queueCapacity", 200_000));
            awaitConnected(mosquitto.uri());
            MqttAsyncClient observer = client(mosquitto.uri(), "it-swap-observer", new Observer());
            observer.subscribe(new String[] {"edgeai/anomaly/+/load", "edgeai/deadletter/#"}, new int[] {1, 1})
                    .waitForCompletion();
            MqttAsyncClient device = client(mosquitto.uri(), "it-swap-device", null);
            awaitListening(device);

            int perDevice = RATE * SECONDS / DEVICES;
            for (int d = 0; d < DEVICES; d++) {
                int[] seen = new int[perDevice];
                java.util.Arrays.fill(seen, -1);
                versionBySeq.put("swap-" + d, seen);
            }
            PipelineStatus before = pipeline().status();
            List<String> live = new ArrayList<>();
            live.add(servingVersion());
            byte[][] jars = new byte[SWAPS][];
            for (int i = 0; i < SWAPS; i++) {
                jars[i] = TestModels.version("nab-ae-swap-" + (i / 2), "2.0." + (i + 1));
            }

            Load load = new Load(device, perDevice);
            Thread publisher = new Thread(load, "it-swap-publisher");
            long started = System.nanoTime();
            publisher.start();
            long step = SECONDS * 1_000_000_000L / (SWAPS + 2);
            for (int i = 0; i < SWAPS; i++) {
                awaitElapsed(started, step * (i + 1));
                String version = "2.0." + (i + 1);
                if (i % 2 == 0) {
                    Bundle b =
                            bundleContext.installBundle("memory:nab-ae-swap-" + i, new ByteArrayInputStream(jars[i]));
                    b.start();
                    installed.add(b);
                } else {
                    // bundle:update of the bundle just installed: its version is replaced by the next one
                    installed.get(installed.size() - 1).update(new ByteArrayInputStream(jars[i]));
                }
                Poll.until(
                        "version " + version + " serving",
                        TIMEOUT,
                        () -> servingVersion().equals(version));
                live.add(version);
            }
            awaitElapsed(started, step * (SWAPS + 1));
            String rollback = executeCommand("edgeai:model-rollback nab-ae");
            // 2.0.9 was replaced by 2.0.10 in the same bundle: the previous version still installed is 2.0.8
            assertTrue(rollback, rollback.contains("now serves version 2.0.8"));
            assertEquals("2.0.8", servingVersion());
            live.add("2.0.8");
            publisher.join(Duration.ofSeconds(SECONDS * 3L).toMillis());
            long publishNanos = load.finishedNanos - started;
            assertEquals("publisher failed: " + load.failure, null, load.failure);
            long sent = (long) perDevice * DEVICES;
            assertEquals(sent, load.sent.get());

            Poll.until("all " + sent + " results (have " + results.get() + ")", DRAIN, () -> results.get() >= sent);
            PipelineStatus after = pipeline().status();
            String models = executeCommand("edgeai:models nab-ae");
            System.out.printf(
                    "Model swap under load: %d readings in %.1f s (%.0f/s), %d swaps + 1 rollback, "
                            + "pipeline p50 %d us p99 %d us%n%s%n",
                    sent,
                    publishNanos / 1e9,
                    sent / (publishNanos / 1e9),
                    SWAPS,
                    after.latencyP50Micros(),
                    after.latencyP99Micros(),
                    models);
            assertTrue("the stream lasted at least 30 s", publishNanos >= 30_000_000_000L);
            assertEquals("duplicate results", 0, duplicates.get());
            assertEquals("dead letters (failed or rejected readings)", 0, deadLetters.get());
            assertEquals("rejected", before.rejected(), after.rejected());
            assertEquals("dropped", before.dropped(), after.dropped());
            assertEquals("results", sent, results.get());
            checkEveryReadingScoredOnceInLiveOrder(live);
            assertTrue(models, models.contains("2.0.10") && models.contains("STANDBY"));
        } finally {
            for (Bundle b : installed) {
                b.uninstall();
            }
            awaitOnlyTheShippedModel();
            updateConnection(Map.of("serverUri", embedded, "publishQueueCapacity", 10_000));
            updatePipeline(Map.of("queueCapacity", 10_000));
            awaitConnected(embedded);
        }
    }

    @Test
    public void corruptWrongShapeAndUnsignedModelsAreRefusedWithTheReasonWhileTheOldOneServes() throws Exception {
        String shipped = awaitOnlyTheShippedModel();
        String descriptor = TestModels.descriptor();
        byte[] onnx = TestModels.onnx();
        java.security.KeyPair key = TestModels.buildKey();
        byte[] corrupt = onnx.clone();
        corrupt[corrupt.length / 2] ^= 0x5a;
        String d1 = TestModels.withVersion(descriptor, "3.0.1");
        String d2 = TestModels.withVersion(descriptor, "3.0.2").replaceFirst("\\[\\s*-1\\s*,\\s*64\\s*\\]", "[-1, 32]");
        String d3 = TestModels.withVersion(descriptor, "3.0.3");
        List<byte[]> jars = List.of(
                TestModels.bundle("nab-ae-corrupt", "3.0.1", d1, corrupt, TestModels.signature(key, d1, corrupt)),
                TestModels.bundle("nab-ae-shape", "3.0.2", d2, onnx, TestModels.signature(key, d2, onnx)),
                TestModels.bundle("nab-ae-unsigned", "3.0.3", d3, onnx, null));
        List<Bundle> installed = new ArrayList<>();
        try {
            for (int i = 0; i < jars.size(); i++) {
                Bundle b = bundleContext.installBundle(
                        "memory:nab-ae-refused-" + i, new ByteArrayInputStream(jars.get(i)));
                b.start();
                installed.add(b);
            }
            String models = Poll.until("three refusals in edgeai:models", TIMEOUT, () -> {
                String out = executeCommand("edgeai:models nab-ae");
                return out.split("FAILED", -1).length == 4 ? out : null;
            });
            assertTrue(models, models.contains("checksum mismatch"));
            assertTrue(models, models.contains("has shape"));
            assertTrue(models, models.contains("unsigned"));
            assertEquals(shipped, servingVersion());
            MqttAsyncClient device = client(
                    "tcp://" + runningBroker().host() + ":" + runningBroker().port(), "it-refusal-device", null);
            try {
                List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
                device.subscribe(
                                "edgeai/anomaly/refusal/+",
                                1,
                                (t, m) -> seen.add(MAPPER.readTree(m.getPayload())
                                        .get("model")
                                        .asText()))
                        .waitForCompletion();
                Poll.until("a result", TIMEOUT, () -> {
                    device.publish("sensors/refusal/load", "1".getBytes(StandardCharsets.UTF_8), 1, false);
                    return !seen.isEmpty();
                });
                assertEquals("nab-ae@" + shipped, seen.get(seen.size() - 1));
            } finally {
                device.disconnect().waitForCompletion();
                device.close();
            }
        } finally {
            for (Bundle b : installed) {
                b.uninstall();
            }
        }
    }

    private void checkEveryReadingScoredOnceInLiveOrder(List<String> live) {
        java.util.Set<String> used = new java.util.HashSet<>();
        for (Map.Entry<String, int[]> e : versionBySeq.entrySet()) {
            int[] seen = e.getValue();
            int at = 0;
            int previous = -1;
            for (int seq = 0; seq < seen.length; seq++) {
                assertTrue(e.getKey() + " reading " + seq + " has no result", seen[seq] >= 0);
                if (seen[seq] == previous) {
                    continue;
                }
                String version = versionNames.get(seen[seq]);
                used.add(version);
                // the compressed sequence of versions must follow the order in which versions went live
                while (at < live.size() && !live.get(at).equals(version)) {
                    at++;
                }
                assertTrue(
                        e.getKey() + ": version " + version + " at reading " + seq + " is out of the live order "
                                + live,
                        at < live.size());
                at++;
                previous = seen[seq];
            }
        }
        for (String v : live) {
            assertTrue("no reading was scored by " + v + " " + used, used.contains(v));
        }
    }

    /** Publishes RATE readings/s, paced per 10 ms, each device's readings numbered by their timestamp. */
    private final class Load implements Runnable {
        final MqttAsyncClient device;
        final int perDevice;
        final AtomicLong sent = new AtomicLong();
        volatile long finishedNanos;
        volatile Throwable failure;

        Load(MqttAsyncClient device, int perDevice) {
            this.device = device;
            this.perDevice = perDevice;
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            long total = (long) perDevice * DEVICES;
            try {
                for (long n = 0; n < total; n++) {
                    long due = start + n * 1_000_000_000L / RATE;
                    if (n % 50 == 0 && System.nanoTime() < due) {
                        LockSupport.parkNanos(due - System.nanoTime());
                    }
                    int d = (int) (n % DEVICES);
                    long seq = n / DEVICES;
                    double value = 20 + 5 * Math.sin(seq / 20.0) + (seq % 7) * 0.1;
                    byte[] payload = ("{\"ts\":" + (TS_BASE + seq * 60_000) + ",\"value\":" + value + "}")
                            .getBytes(StandardCharsets.UTF_8);
                    publish(device, "sensors/swap-" + d + "/load", payload);
                    sent.incrementAndGet();
                }
            } catch (Exception | AssertionError e) {
                failure = e;
            } finally {
                finishedNanos = System.nanoTime();
            }
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

    private final class Observer implements MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                if (topic.startsWith("edgeai/deadletter/")) {
                    deadLetters.incrementAndGet();
                    System.out.println("dead letter on " + topic + ": "
                            + new String(message.getPayload(), StandardCharsets.UTF_8));
                    return;
                }
                JsonNode r = MAPPER.readTree(message.getPayload());
                String device = r.get("device").asText();
                int[] seen = versionBySeq.get(device);
                if (seen == null) {
                    probes.incrementAndGet();
                    return;
                }
                int seq = (int) ((Long.parseLong(r.get("ts").asText()) - TS_BASE) / 60_000);
                String model = r.get("model").asText();
                int index = versionIndex.computeIfAbsent(model.substring(model.indexOf('@') + 1), v -> {
                    synchronized (versionNames) {
                        versionNames.add(v);
                        return versionNames.size() - 1;
                    }
                });
                if (seen[seq] >= 0) {
                    duplicates.incrementAndGet();
                }
                seen[seq] = index;
                results.incrementAndGet();
            } catch (Exception e) {
                System.out.println("unreadable result on " + topic + ": " + e);
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            System.out.println("observer lost its connection: " + cause);
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // the observer publishes nothing
        }
    }

    private MqttAsyncClient client(String uri, String id, MqttCallback callback) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(uri, id, new MemoryPersistence());
        if (callback != null) {
            c.setCallback(callback);
        }
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(5000);
        c.connect(o).waitForCompletion(TIMEOUT.toMillis());
        return c;
    }

    private void awaitListening(MqttAsyncClient device) {
        Poll.until("pipeline listening", TIMEOUT, () -> {
            device.publish("sensors/swap-probe/load", "1".getBytes(StandardCharsets.UTF_8), 1, false);
            return probes.get() > 0;
        });
    }

    private static void awaitElapsed(long started, long nanos) {
        long until = started + nanos;
        while (System.nanoTime() < until) {
            LockSupport.parkNanos(until - System.nanoTime());
        }
    }

    /** @return the shipped version, once it is the only model version left and serving */
    private String awaitOnlyTheShippedModel() {
        io.edgeai.gateway.api.ModelRegistry registry = service(io.edgeai.gateway.api.ModelRegistry.class);
        return Poll.until("only the shipped model", TIMEOUT, () -> {
            List<io.edgeai.gateway.api.ModelState> anomaly = registry.models().stream()
                    .filter(m -> m.name().equals("nab-ae"))
                    .toList();
            return anomaly.size() == 1
                            && anomaly.get(0).status() == io.edgeai.gateway.api.ModelState.Status.ACTIVE
                            && anomaly.get(0).version().equals(servingVersion())
                    ? servingVersion()
                    : null;
        });
    }

    private String servingVersion() {
        try {
            // the distribution has several models (encoders, heads): ask for the serving anomaly model
            java.util.Collection<ServiceReference<ModelRunner>> refs = bundleContext.getServiceReferences(
                    ModelRunner.class, "(&(edgeai.model.name=nab-ae)(edgeai.model.serving=true))");
            return refs.stream()
                    .max(java.util.Comparator.naturalOrder())
                    .map(ref -> String.valueOf(ref.getProperty("edgeai.model.version")))
                    .orElse("");
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Pipeline pipeline() {
        return service(Pipeline.class, "(name=demo)");
    }

    private String serverUri() throws Exception {
        return String.valueOf(configurationAdmin
                .listConfigurations("(service.factoryPid=" + CONNECTION_FACTORY_PID + ")")[0]
                .getProperties()
                .get("serverUri"));
    }

    private void awaitConnected(String uri) {
        Poll.until("connection to " + uri, TIMEOUT, () -> {
            MqttConnection c = service(MqttConnection.class);
            return c.status().serverUri().equals(uri) && c.status().state() == ConnectionState.CONNECTED;
        });
    }

    private void updatePipeline(Map<String, Object> changes) throws Exception {
        org.osgi.service.cm.Configuration[] configs = Poll.until(
                "pipeline configuration",
                TIMEOUT,
                () -> configurationAdmin.listConfigurations(
                        "(&(service.factoryPid=edgeai.pipeline.anomaly)(name=demo))"));
        Dictionary<String, Object> props = configs[0].getProperties();
        changes.forEach(props::put);
        configs[0].update(props);
        Poll.until(
                "pipeline reconfigured",
                TIMEOUT,
                () -> pipeline().status().queueCapacity()
                        == (Integer) changes.getOrDefault(
                                "queueCapacity", pipeline().status().queueCapacity()));
    }
}
