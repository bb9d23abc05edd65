package io.edgeai.gateway.pipeline.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.mqtt.tools.LocalConnections;
import io.edgeai.gateway.onnx.tools.LocalModels;
import io.edgeai.gateway.pipeline.internal.PipelineSettings;
import io.edgeai.gateway.pipeline.internal.PipelineWorker;
import io.edgeai.gateway.pipeline.internal.TestSettings;
import io.edgeai.gateway.pipeline.internal.uplink.UplinkSettings;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * Measures the uplink policy's bandwidth: every NAB series is played as a device would (one topic per series, the
 * demo's JSON readings, QoS 1) to a site broker; an anomaly pipeline with the committed model scores them and sends
 * its uplink to a second broker, where every message is counted. Prints uplink bytes / device bytes (topic and
 * payload), messages per hour on both sides, and whether every alarm edge of the site's results arrived on the
 * uplink, with its evidence window.
 *
 * <p>The series are played round by round (the k-th reading of every series that has one), as if every series sent
 * {@code --rate} readings per second: the gateway's clock, which ends summary periods, advances 1 / rate seconds
 * per round of readings (rounds are sent in batches inside one summary period, each batch answered before the
 * next; the clock is the batch's first round), so a replay of hours of such traffic takes a minute or two.
 *
 * <pre>ReplayUplink DATA_DIR [--rate R[,R...]] [--period S] [--mode pipeline|series] [--before N] [--after N]</pre>
 */
public final class ReplayUplink {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Rounds sent at most before waiting for their results. */
    private static final int BATCH = 100;

    private record Series(String topic, List<String> payloads) {}

    private ReplayUplink() {}

    /**
     * @param args DATA_DIR and options
     * @throws Exception when a file cannot be read, a broker does not start or the replay stalls
     */
    public static void main(String[] args) throws Exception {
        Path data = null;
        List<Double> rates = List.of(1.0);
        long period = 60;
        String mode = "pipeline";
        int before = 16;
        int after = 16;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rate" ->
                    rates = Stream.of(args[++i].split(",")).map(Double::valueOf).toList();
                case "--period" -> period = Long.parseLong(args[++i]);
                case "--mode" -> mode = args[++i];
                case "--before" -> before = Integer.parseInt(args[++i]);
                case "--after" -> after = Integer.parseInt(args[++i]);
                default -> data = Paths.get(args[i]);
            }
        }
        if (data == null) {
            System.err.println("usage: ReplayUplink DATA_DIR [--rate R[,R...]] [--period S] [--mode pipeline|series]"
                    + " [--before N] [--after N]");
            System.exit(2);
        }
        List<Series> series = read(data);
        UplinkSettings up = new UplinkSettings("uplink", "edgeai/uplink", period, mode, 500, before, after);
        System.out.printf(
                "| readings/s per series | summary period | evidence | device readings | device KB | uplink messages"
                        + " (alarm events / evidence / summaries) | uplink KB (events / evidence / summaries) | uplink ÷ device | device msg/h"
                        + " | uplink msg/h | alarm edges delivered | replay took |%n"
                        + "|---|---|---|---|---|---|---|---|---|---|---|---|%n");
        try (LocalModels models = new LocalModels()) {
            ModelRunner model = models.model(ReplayNab.defaultModel());
            for (double rate : rates) {
                System.out.println(replay(series, model, up, rate));
            }
        }
    }

    private static List<Series> read(Path data) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(data)) {
            files = s.filter(p -> p.toString().endsWith(".csv")).sorted().collect(Collectors.toList());
        }
        List<Series> out = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString().replace(".csv", "");
            List<String> payloads = new ArrayList<>();
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                r.readLine();
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    int comma = line.indexOf(',');
                    payloads.add("{\"ts\":\"" + line.substring(0, comma).replace(' ', 'T') + "\",\"value\":"
                            + line.substring(comma + 1).trim() + "}");
                }
            }
            out.add(new Series("sensors/" + name + "/value", payloads));
        }
        return out;
    }

    private static String replay(List<Series> series, ModelRunner model, UplinkSettings up, double rate)
            throws Exception {
        try (Mosquitto site = Mosquitto.startOnFreePort();
                Mosquitto cloud = Mosquitto.startOnFreePort();
                LocalConnections conns = new LocalConnections()) {
            MqttConnection gateway = conns.open("local", site.uri(), "uplink-replay-gw");
            MqttConnection uplink = conns.open("uplink", cloud.uri(), "uplink-replay-up");
            MqttConnection device = conns.open("device", site.uri(), "uplink-replay-dev");
            MqttConnection results = conns.open("results", site.uri(), "uplink-replay-res");
            MqttConnection listener = conns.open("cloud", cloud.uri(), "uplink-replay-cloud");
            Counts c = new Counts();
            results.subscribe("edgeai/anomaly/#", 1, m -> c.result(parse(m.payload())));
            listener.subscribe("edgeai/uplink/#", 1, m -> c.uplink(m.topic(), m.payload(), parse(m.payload())));
            conns.awaitConnected(Duration.ofSeconds(20));
            // rounds: the k-th reading of every series that has one, all answered before the next round is sent, so
            // the gateway's clock (the round being played) is exact
            int rounds =
                    series.stream().mapToInt(x -> x.payloads().size()).max().orElse(0);
            long t0 = 1_700_000_000_000L;
            long stepMicros = Math.round(1_000_000 / rate);
            AtomicLong now = new AtomicLong(t0);
            PipelineSettings s = TestSettings.withIntake(TestSettings.defaults("nab"), "hold-acks", 10_000);
            PipelineWorker worker = new PipelineWorker(s, gateway, () -> model)
                    .uplink(up, n -> n.equals("uplink") ? uplink : null, now::get);
            worker.start();
            // the pipeline's subscription is made in the background: a probe it rejects (not JSON, so no series is
            // made for it) comes back as a dead letter once it is there
            java.util.concurrent.atomic.AtomicBoolean subscribed = new java.util.concurrent.atomic.AtomicBoolean();
            results.subscribe("edgeai/deadletter/#", 1, m -> subscribed.set(true));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        device.publish("sensors/probe/value", "probe".getBytes(StandardCharsets.UTF_8), 1, false);
                        return subscribed.get();
                    });
            long deviceBytes = 0;
            long readings = 0;
            long started = System.nanoTime();
            try {
                long periodMillis = Math.max(1, up.summarySeconds()) * 1000;
                for (int k = 0; k < rounds; ) {
                    // a batch of up to 100 rounds inside one summary period, answered before the next batch; the
                    // gateway's clock is the batch's first round (alarm times are that coarse, periods exact)
                    long tk = t0 + k * stepMicros / 1000;
                    long boundary = (tk / periodMillis + 1) * periodMillis;
                    int end = k + 1;
                    while (end < rounds && end - k < BATCH && t0 + end * stepMicros / 1000 < boundary) {
                        end++;
                    }
                    now.set(tk);
                    for (; k < end; k++) {
                        for (Series x : series) {
                            if (k < x.payloads().size()) {
                                byte[] p = x.payloads().get(k).getBytes(StandardCharsets.UTF_8);
                                deviceBytes += x.topic().getBytes(StandardCharsets.UTF_8).length + p.length;
                                device.publish(x.topic(), p, 1, false);
                                readings++;
                            }
                        }
                    }
                    c.awaitAnswered(readings, k);
                }
                // the gateway's clock moves past the last period's end (its summary goes up), then a quiet period
                // later (evidence windows still filling go up with what they have)
                long end = t0 + (long) rounds * stepMicros / 1000 + periodMillis;
                long sent = worker.uplinkStatus().orElseThrow().summaries();
                now.set(end);
                Awaitility.await()
                        .atMost(Duration.ofMinutes(1))
                        .until(() ->
                                worker.uplinkStatus().orElseThrow().summaries() > sent || up.summarySeconds() == 0);
                now.set(end + periodMillis);
                Awaitility.await()
                        .atMost(Duration.ofMinutes(1))
                        .until(() -> c.cloudEdges.containsAll(c.siteEdges)
                                && c.evidence.size() >= c.alarms()
                                && c.summaries.get()
                                        >= worker.uplinkStatus().orElseThrow().summaries());
            } finally {
                worker.stop();
            }
            double hours = rounds / rate / 3600;
            long up1 = c.bytes.get();
            return String.format(
                    "| %s | %d s | %d + %d | %d | %.0f | %d (%d / %d / %d) | %.1f (%.1f / %.1f / %.1f) | %.2f %%"
                            + " | %.0f | %.1f | %d of %d (%d alarms, %d evidence windows) | %.0f s |",
                    rate >= 1 ? String.valueOf((long) rate) : String.valueOf(rate),
                    up.summarySeconds(),
                    up.evidenceBefore(),
                    up.evidenceAfter(),
                    readings,
                    deviceBytes / 1024.0,
                    c.messages.get(),
                    c.cloudEdges.size(),
                    c.evidence.size(),
                    c.summaries.get(),
                    up1 / 1024.0,
                    c.eventBytes.get() / 1024.0,
                    c.evidenceBytes.get() / 1024.0,
                    (up1 - c.eventBytes.get() - c.evidenceBytes.get()) / 1024.0,
                    100.0 * up1 / deviceBytes,
                    readings / hours,
                    c.messages.get() / hours,
                    c.siteEdges.stream().filter(c.cloudEdges::contains).count(),
                    c.siteEdges.size(),
                    c.alarms(),
                    c.evidence.size(),
                    (System.nanoTime() - started) / 1e9);
        }
    }

    /** What arrived on both brokers; the MQTT callbacks only count and notify. */
    private static final class Counts {
        final AtomicLong answered = new AtomicLong();
        final Set<String> siteEdges = ConcurrentHashMap.newKeySet();
        final Set<String> cloudEdges = ConcurrentHashMap.newKeySet();
        final Set<String> evidence = ConcurrentHashMap.newKeySet();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong eventBytes = new AtomicLong();
        final AtomicLong evidenceBytes = new AtomicLong();
        final AtomicLong messages = new AtomicLong();
        final AtomicLong summaries = new AtomicLong();

        void result(JsonNode n) {
            if (n.has("event")) {
                siteEdges.add(edge(n));
            }
            answered.incrementAndGet();
            synchronized (this) {
                notifyAll();
            }
        }

        void uplink(String topic, byte[] payload, JsonNode n) {
            int b = topic.getBytes(StandardCharsets.UTF_8).length + payload.length;
            messages.incrementAndGet();
            bytes.addAndGet(b);
            if (topic.startsWith("edgeai/uplink/alarm/")) {
                eventBytes.addAndGet(b);
                cloudEdges.add(edge(n));
            } else if (topic.startsWith("edgeai/uplink/evidence/")) {
                evidenceBytes.addAndGet(b);
                evidence.add(n.get("device").asText() + "@" + n.get("ts").asLong());
            } else {
                summaries.incrementAndGet();
            }
        }

        long alarms() {
            return siteEdges.stream().filter(e -> e.endsWith(" alarm")).count();
        }

        synchronized void awaitAnswered(long readings, int round) throws InterruptedException {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (answered.get() < readings) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("round " + round + " not answered within 60 s");
                }
                wait(100);
            }
        }
    }

    private static String edge(JsonNode n) {
        return n.get("device").asText() + "@" + n.get("ts").asText() + " "
                + n.get("event").asText();
    }

    private static JsonNode parse(byte[] b) {
        try {
            return JSON.readTree(b);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
