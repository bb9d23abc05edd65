package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.testing.GatewayProcess;

/**
 * Scale-out figures for docs/benchmarks.md, not a CI test (runs only with {@code -Dedgeai.bench.scale=true}):
 * the group grows 1 → 2 → 3 gateways sharing {@code $share/text/home/+/voice} (the stateless text pipeline) on
 * one mosquitto. Each step starts one more gateway process, waits until every member answers, then publishes two
 * warm-up bursts and a measured burst of {@code edgeai.bench.scale.burst} QoS 1 inputs as fast as one client
 * publishes, timed until every input has its result: results per second, and per input the time from its
 * publish to its result (p50, p99; under saturation this is mostly queueing). Every input must get exactly one
 * result. Each line also says how much CPU each gateway JVM used during the burst and how busy the whole
 * machine was (Linux {@code /proc/stat}, steal included). At the end the newest member is stopped gracefully and
 * a last burst must be answered in full by the other two. All processes share one machine, so the figures show the mechanism and its cost, not the gain of
 * adding machines. Every wait draws on one 8-minute budget; a run takes 1–2 minutes.
 */
public class ScaleOutBenchmarkIT {
    private static final int BURST = Integer.getInteger("edgeai.bench.scale.burst", 2000);
    private static final Duration BURST_LIMIT = Duration.ofSeconds(120);
    /** Every wait of the run draws on this budget, so the whole run ends within it (typically 1–2 min). */
    private static final Duration RUN_BUDGET = Duration.ofMinutes(8);

    private long runDeadline;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** First arrival time (ns) and count of results, by input text. */
    private final Map<String, Long> firstResult = new ConcurrentHashMap<>();

    private final Map<String, AtomicInteger> resultCount = new ConcurrentHashMap<>();

    @Test
    public void textResultsPerSecondWithOneTwoThreeGateways() throws Exception {
        assumeTrue("benchmark: -Dedgeai.bench.scale=true", Boolean.getBoolean("edgeai.bench.scale"));
        List<String> report = new ArrayList<>();
        long t0 = System.nanoTime();
        runDeadline = t0 + RUN_BUDGET.toNanos();
        try (GatewayGroup group = GatewayGroup.withBroker()) {
            for (int i = 1; i <= 3; i++) {
                GatewayProcess g = group.add(i, false);
                g.replaceInConfig("edgeai.pipeline.text-demo.cfg", "queueCapacity", "20000");
            }
            MqttClient sub = new MqttClient(group.broker.uri(), "bench-sub", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMaxInflight(1000);
            sub.connect(o);
            // the input's text is the result's top-level "text" (entities carry their own)
            sub.subscribe("edgeai/nlp/#", 1, (t, m) -> {
                String text = JSON.readTree(m.getPayload()).path("text").asText();
                firstResult.putIfAbsent(text, System.nanoTime());
                resultCount.computeIfAbsent(text, k -> new AtomicInteger()).incrementAndGet();
            });
            MqttAsyncClient pub = group.publisher("bench-pub");
            for (int n = 1; n <= 3; n++) {
                GatewayProcess joining = group.gateways.get(n - 1);
                long boot = System.nanoTime();
                startWithOneRetry(joining);
                System.out.printf(
                        "scale-out benchmark: gw-%d live after %.1f s%n", n, (System.nanoTime() - boot) / 1e9);
                List<GatewayProcess> live = group.gateways.subList(0, n);
                awaitEveryMemberAnswers(pub, live, "g" + n);
                // two warm-up bursts: the new member's JIT and encoder arenas warm up (its first burst runs slower)
                burst(pub, live, "warm1 g" + n);
                burst(pub, live, "warm2 g" + n);
                String line = burst(pub, live, "run g" + n);
                report.add(n + " gateway(s): " + line);
                System.out.println("scale-out benchmark: " + n + " gateway(s): " + line);
            }
            // an operator stops the newest member: it leaves its shared subscription, the other two get everything
            GatewayProcess leaving = group.gateways.get(2);
            long stop = System.nanoTime();
            leaving.stop(left(Duration.ofSeconds(60)));
            System.out.printf(
                    "scale-out benchmark: gw-3 stopped gracefully in %.1f s%n", (System.nanoTime() - stop) / 1e9);
            String line = burst(pub, group.gateways.subList(0, 2), "after-stop");
            report.add("2 gateway(s) after gw-3 stopped gracefully: " + line);
            pub.disconnect().waitForCompletion(5000);
            pub.close();
            sub.disconnect();
            sub.close();
        }
        report.forEach(l -> System.out.println("scale-out benchmark: " + l));
        System.out.printf("scale-out benchmark: whole run %.0f s%n", (System.nanoTime() - t0) / 1e9);
        assertEquals(4, report.size());
    }

    /** @return {@code limit}, or what is left of the run's budget when that is less */
    private Duration left(Duration limit) {
        long left = runDeadline - System.nanoTime();
        if (left <= 0) {
            throw new AssertionError("the benchmark ran past its budget of " + RUN_BUDGET.toMinutes() + " min");
        }
        return Duration.ofNanos(Math.min(limit.toNanos(), left));
    }

    /** As {@link GatewayGroup#startWithOneRetry}, within the run's budget. */
    private void startWithOneRetry(GatewayProcess g) throws IOException {
        try {
            g.start(left(Duration.ofSeconds(150)));
        } catch (IOException first) {
            System.out.println("scale-out benchmark: " + g.home().getFileName() + " not live, starting it once more");
            g.kill();
            g.start(left(Duration.ofSeconds(150)));
        }
    }

    /** Probes until every live member has published a result since the probing began. */
    private void awaitEveryMemberAnswers(MqttAsyncClient pub, List<GatewayProcess> live, String tag) {
        Map<GatewayProcess, Double> before = new HashMap<>();
        live.forEach(g -> before.put(g, published(g)));
        long[] last = {0};
        int[] probes = {0};
        Poll.until(live.size() + " members answering", left(Duration.ofSeconds(240)), () -> {
            if (System.nanoTime() - last[0] > 1_000_000_000L) {
                last[0] = System.nanoTime();
                for (int i = 0; i < 30; i++) {
                    GatewayGroup.publish(
                            pub,
                            "home/probe/voice",
                            ("{\"text\":\"probe " + tag + " " + probes[0]++ + "\"}").getBytes(StandardCharsets.UTF_8));
                }
            }
            return live.stream().allMatch(g -> published(g) > before.get(g)) ? true : null;
        });
    }

    /**
     * Publishes {@link #BURST} inputs as fast as the client can and waits until each has a result, then checks
     * that each has exactly one and that every live member took a share.
     *
     * @return throughput and latency of the burst, as a report line
     */
    private String burst(MqttAsyncClient pub, List<GatewayProcess> live, String phase) throws Exception {
        Map<GatewayProcess, Double> before = new HashMap<>();
        live.forEach(g -> before.put(g, published(g)));
        String prefix = "turn on the lights " + phase + " ";
        long[] sentAt = new long[BURST];
        Map<GatewayProcess, Long> cpuBefore = new HashMap<>();
        live.forEach(g -> cpuBefore.put(g, cpuMillis(g)));
        long[] machineBefore = machineCpu();
        long start = System.nanoTime();
        for (int i = 0; i < BURST; i++) {
            sentAt[i] = System.nanoTime();
            GatewayGroup.publish(
                    pub,
                    "home/room" + (i % 10) + "/voice",
                    ("{\"text\":\"" + prefix + i + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        double publishSeconds = (System.nanoTime() - start) / 1e9;
        Poll.until(BURST + " results of " + phase, left(BURST_LIMIT), () -> {
            for (int i = 0; i < BURST; i++) {
                if (!firstResult.containsKey(prefix + i)) {
                    return null;
                }
            }
            return true;
        });
        long end = 0;
        double[] latencyMs = new double[BURST];
        for (int i = 0; i < BURST; i++) {
            long at = firstResult.get(prefix + i);
            end = Math.max(end, at);
            latencyMs[i] = (at - sentAt[i]) / 1e6;
        }
        double seconds = (end - start) / 1e9;
        long[] machineAfter = machineCpu();
        List<String> cpu = new ArrayList<>();
        live.forEach(g -> cpu.add(String.format("%.1f", (cpuMillis(g) - cpuBefore.get(g)) / 1000.0)));
        long busy = machineAfter[0] - machineBefore[0];
        long total = busy + machineAfter[1] - machineBefore[1];
        long steal = machineAfter[2] - machineBefore[2];
        // members' counters settle (results counted before publishing may trail); then exactly one result each
        Map<GatewayProcess, Double> share = new HashMap<>();
        Poll.until("the members' counters reach " + BURST, left(Duration.ofSeconds(30)), () -> {
            double sum = 0;
            for (GatewayProcess g : live) {
                share.put(g, published(g) - before.get(g));
                sum += share.get(g);
            }
            return sum >= BURST ? true : null;
        });
        for (int i = 0; i < BURST; i++) {
            assertEquals(
                    "results for input " + i + " of " + phase,
                    1,
                    resultCount.get(prefix + i).get());
        }
        for (GatewayProcess g : live) {
            assertTrue("every live member took a share of " + phase + ": " + share.values(), share.get(g) > 0);
        }
        Arrays.sort(latencyMs);
        List<String> shares = new ArrayList<>();
        live.forEach(g -> shares.add(String.valueOf(Math.round(share.get(g)))));
        return String.format(
                "%s: %d inputs (published in %.1f s), all answered in %.1f s = %.0f results/s, latency "
                        + "p50 %.0f ms, p99 %.0f ms, shares %s, gateway CPU s %s, machine busy %.0f%% (steal %.0f%%) until the"
                        + " last result",
                phase,
                BURST,
                publishSeconds,
                seconds,
                BURST / seconds,
                latencyMs[BURST / 2],
                latencyMs[(int) Math.floor(BURST * 0.99) - 1],
                shares,
                cpu,
                total == 0 ? Double.NaN : 100.0 * busy / total,
                total == 0 ? Double.NaN : 100.0 * steal / total);
    }

    /** @return CPU time the gateway's JVM used so far, ms (0 when unknown) */
    private static long cpuMillis(GatewayProcess g) {
        return g.jvm()
                .flatMap(h -> h.info().totalCpuDuration())
                .map(Duration::toMillis)
                .orElse(0L);
    }

    /** @return the machine's CPU ticks since boot from /proc/stat: busy (incl. steal), idle (incl. iowait), steal */
    private static long[] machineCpu() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long user = Long.parseLong(f[1]);
            long nice = Long.parseLong(f[2]);
            long system = Long.parseLong(f[3]);
            long idle = Long.parseLong(f[4]);
            long iowait = Long.parseLong(f[5]);
            long irq = Long.parseLong(f[6]);
            long softirq = Long.parseLong(f[7]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            return new long[] {user + nice + system + irq + softirq + steal, idle + iowait, steal};
        } catch (IOException | RuntimeException notLinux) {
            return new long[3];
        }
    }

    private static double published(GatewayProcess g) {
        return GatewayGroup.metric(g, "edgeai_pipeline_messages_published_total{pipeline=\"text-demo\"}");
    }
}
