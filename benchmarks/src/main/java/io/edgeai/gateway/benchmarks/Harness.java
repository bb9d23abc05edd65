package io.edgeai.gateway.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.edgeai.gateway.testing.GatewayProcess;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * The benchmark harness ({@code benchmarks/run}): in one run, (a) the raw MQTT limit through the embedded
 * broker (HiveMQ CE) and mosquitto, (b) bare ONNX Runtime per shipped model, (d) the Node.js peer doing the anomaly job,
 * (c) the packaged gateway end to end (cold start, anomaly saturation and latency, text pipeline unbatched and
 * batched, RSS over a long run). Prints a table with ratios and writes {@code benchmarks/results/latest.json}.
 *
 * <p>Usage: {@code Harness --quick|--full --distribution TAR_GZ --texts JSONL --node-peer DIR --out JSON
 * [--skip-node]}.
 */
public final class Harness {
    private final boolean full;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<String[]> table = new ArrayList<>();
    /** The Node peer's scores of the agreement run, compared with the gateway's on the same readings. */
    private double[] peerScores;

    private Harness(boolean full) {
        this.full = full;
    }

    /**
     * @param args see the class comment
     * @throws Exception when a measurement fails
     */
    public static void main(String[] args) throws Exception {
        boolean full = false;
        Path dist = null;
        Path texts = null;
        Path peer = null;
        Path out = Path.of("benchmarks/results/latest.json");
        boolean skipNode = false;
        String only = "mqtt,ort,node,gateway";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> full = false;
                case "--full" -> full = true;
                case "--distribution" -> dist = Path.of(args[++i]);
                case "--texts" -> texts = Path.of(args[++i]);
                case "--node-peer" -> peer = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--skip-node" -> skipNode = true;
                case "--only" -> only = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (dist == null || texts == null || peer == null) {
            throw new IllegalArgumentException("--distribution, --texts and --node-peer are required");
        }
        System.setProperty(OrtRunBenchmark.TEXTS, texts.toString());
        Harness h = new Harness(full);
        Path work = Files.createTempDirectory("edgeai-bench");
        // stopped by a signal (Ctrl-C, SIGTERM) the finally blocks do not run: stop what this run started
        Runtime.getRuntime().addShutdownHook(new Thread(() -> cleanUp(work), "edgeai-bench-cleanup"));
        long t0 = System.nanoTime();
        h.results.put("mode", full ? "full" : "quick");
        h.results.put("started_at", Instant.now().toString());
        h.results.put("cpus", Runtime.getRuntime().availableProcessors());
        h.results.put("load_average_at_start", loadAverage());
        try (Mosquitto mosquitto = Mosquitto.startOnFreePort()) {
            List<String> parts = List.of(only.split(","));
            final Path d = dist;
            final Path t = texts;
            final Path np = peer;
            if (parts.contains("mqtt")) {
                h.section("mqtt", () -> h.mqttLimit(mosquitto, t, work));
            }
            if (parts.contains("ort")) {
                h.section("ort", h::ort);
            }
            if (!skipNode && parts.contains("node")) {
                h.section("node_peer", () -> h.nodePeer(mosquitto, np, work));
            }
            if (parts.contains("gateway")) {
                h.section("gateway", () -> h.gateway(mosquitto, d, t, work));
            }
        } finally {
            if (!Boolean.getBoolean("edgeai.it.keep")) {
                deleteTree(work);
            }
        }
        h.ratios();
        h.results.put("load_average_at_end", loadAverage());
        h.results.put("duration_s", Stats.round((System.nanoTime() - t0) / 1e9));
        h.print();
        Path dir = out.toAbsolutePath().getParent(); // (a bare file name has none of its own)
        if (dir != null) {
            Files.createDirectories(dir);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), h.results);
        System.out.println("wrote " + out);
    }

    /** One part of the run; a failure is reported (and recorded as {@code <name>_error}) and the run goes on. */
    private void section(String name, Part part) {
        try {
            part.run();
        } catch (Exception e) {
            System.err.println("== " + name + " failed: " + e);
            e.printStackTrace();
            results.put(name + "_error", e.toString());
        }
    }

    /** A part of the run. */
    @FunctionalInterface
    private interface Part {
        void run() throws Exception;
    }

    private void put(String key, double value, String what, String unit) {
        results.put(key, Stats.round(value));
        table.add(new String[] {what, String.format(value >= 100 ? "%,.0f" : "%.3f", value) + " " + unit, key});
        System.out.printf("  %-58s %14s  %s%n", what, table.get(table.size() - 1)[1], key);
    }

    // (a) raw MQTT limit
    private void mqttLimit(Mosquitto mosquitto, Path textsFile, Path work) throws Exception {
        int n = full ? 300_000 : 60_000;
        System.out.println("== raw MQTT limit: Paho publisher -> broker -> Paho subscriber, " + n + " readings");
        try (MqttLimit.EmbeddedBroker embedded =
                new MqttLimit.EmbeddedBroker(Mosquitto.freePort(), work.resolve("embedded-broker"))) {
            for (int qos = 0; qos <= 1; qos++) {
                final int q = qos;
                section("paho_qos" + qos + "_embedded", () -> {
                    MqttLimit.Rate r = MqttLimit.measure(embedded.uri(), q, n);
                    put(
                            "paho_qos" + q + "_embedded_msgs_per_s",
                            r.msgsPerS(),
                            "Paho QoS " + q + " via the embedded broker, HiveMQ CE (" + r.received() + "/" + r.sent()
                                    + " delivered)",
                            "msg/s");
                    results.put("paho_qos" + q + "_embedded_delivered", r.received());
                });
            }
        }
        section("paho_rtt", () -> mqttRoundTrip(mosquitto, textsFile));
        for (int qos = 0; qos <= 1; qos++) {
            final int q = qos;
            section("paho_qos" + qos + "_mosquitto", () -> {
                MqttLimit.Rate r = MqttLimit.measure(mosquitto.uri(), q, n);
                put(
                        "paho_qos" + q + "_msgs_per_s",
                        r.msgsPerS(),
                        "Paho QoS " + q + " via mosquitto (" + r.received() + "/" + r.sent() + " delivered)",
                        "msg/s");
            });
        }
        section("mqtt_relay", () -> relay(mosquitto));
    }

    /**
     * The ceiling of an MQTT-in/MQTT-out job here: the anomaly load generator against {@link Relay} (republishes
     * each reading, no work) instead of the gateway; the same series, readings and broker.
     */
    @SuppressWarnings("try") // the relay works in the background while it is open, never referenced
    private void relay(Mosquitto mosquitto) throws Exception {
        int n = full ? 300_000 : 200_000;
        try (Relay relay = Relay.start(mosquitto.uri());
                AnomalyLoad load = new AnomalyLoad(mosquitto.uri(), "bench-relay", series())) {
            load.probe(30_000);
            load.warmUp(100);
            double cpu0 = CpuTime.process(relay.pid());
            AnomalyLoad.Saturation s = load.saturate(n);
            double cpu = CpuTime.process(relay.pid()) - cpu0;
            put(
                    "mqtt_relay_msgs_per_s",
                    s.msgsPerS(),
                    "MQTT relay at saturation, no work (" + s.results() + "/" + s.sent() + " answered)",
                    "msg/s");
            cpuPerReading("mqtt_relay_cpu_us_per_reading", "MQTT relay", cpu0, cpu, s.results());
        }
    }

    /**
     * The MQTT floor under the text pipeline's latency: the same texts, the same load generator and rate as
     * "text pipeline p50 at 50 msg/s", but an echo client (Paho, republishing from its callback) instead of the
     * gateway: device -> mosquitto -> echo -> mosquitto -> result subscriber, two hops and no work.
     */
    private void mqttRoundTrip(Mosquitto mosquitto, Path textsFile) throws Exception {
        List<String> texts = ShippedModels.texts(textsFile, 5000);
        org.eclipse.paho.client.mqttv3.MqttAsyncClient echo = Mqtt.connect(mosquitto.uri(), "bench-echo");
        try {
            Mqtt.subscribe(echo, "echo-in/#", 0, (topic, payload) -> {
                try {
                    Mqtt.publish(echo, "echo-out/" + topic, payload, 0);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (TextLoad load = new TextLoad(mosquitto.uri(), "bench-rtt", texts, "echo-in", "echo-out")) {
                load.probe(10_000);
                load.run(full ? 500 : 100, 50, 0); // warm-up
                TextLoad.Run r = load.run(full ? 1000 : 200, 50, 0);
                put(
                        "paho_rtt_p50_ms",
                        r.p50Ms(),
                        "MQTT round trip p50 at 50 msg/s (device -> mosquitto -> echo -> " + "mosquitto -> subscriber)",
                        "ms");
                put("paho_rtt_p99_ms", r.p99Ms(), "MQTT round trip p99 at 50 msg/s", "ms");
            }
        } finally {
            Mqtt.close(echo);
        }
    }

    // (b) bare ONNX Runtime, JMH
    private void ort() throws Exception {
        List<String> models = new ArrayList<>(ShippedModels.all().keySet());
        System.out.println("== bare ONNX Runtime session.run (JMH sample time, 1 intra-op thread): " + models);
        Options o = new OptionsBuilder()
                .include(OrtRunBenchmark.class.getName() + ".run")
                .param("model", models.toArray(String[]::new))
                .param("batch", "1", "32")
                .forks(0)
                .warmupIterations(1)
                .warmupTime(TimeValue.milliseconds(full ? 1000 : 400))
                .measurementIterations(full ? 3 : 1)
                .measurementTime(TimeValue.milliseconds(full ? 2000 : 800))
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> runs = new Runner(o).run();
        for (RunResult r : runs) {
            String model = r.getParams().getParam("model");
            int batch = Integer.parseInt(r.getParams().getParam("batch"));
            var st = r.getPrimaryResult().getStatistics();
            String key = "ort_" + model.replaceAll("[^A-Za-z0-9]+", "_") + "_b" + batch;
            put(key + "_p50_ms", st.getPercentile(50), "ORT " + model + " batch " + batch + " p50 per run", "ms");
            results.put(key + "_p99_ms", Stats.round(st.getPercentile(99)));
            results.put(key + "_rows_per_s", Stats.round(batch * 1000.0 / st.getMean()));
            if (model.equals("all-minilm-l6-v2-q") && batch == 1) {
                results.put("ort_nlp_p50_ms", Stats.round(st.getPercentile(50)));
                results.put("ort_nlp_p99_ms", Stats.round(st.getPercentile(99)));
            }
            if (model.equals("all-minilm-l6-v2-q") && batch == 32) {
                results.put("ort_nlp_batch32_texts_per_s", Stats.round(batch * 1000.0 / st.getMean()));
            }
        }
        section("ort_nlp_paced", this::ortPaced);
    }

    /**
     * Bare {@code session.run} of MiniLM paced like the gateway's text latency run (50 texts/s, the same
     * pacing loop): between runs the core goes idle, and a run on a cold core takes about twice as long
     * as back to back (JMH). This is the like-for-like reference for "Gateway text pipeline p50 at 50 msg/s".
     */
    private void ortPaced() throws Exception {
        OrtRunBenchmark b = new OrtRunBenchmark();
        b.model = "all-minilm-l6-v2-q";
        b.batch = 1;
        b.open();
        try {
            for (int i = 0; i < 50; i++) {
                b.run();
            }
            int n = full ? 1000 : 200;
            long[] lat = new long[n];
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Stats.parkUntil(t0 + (long) (i * 1e9 / 50));
                long t = System.nanoTime();
                b.run();
                lat[i] = System.nanoTime() - t;
            }
            put(
                    "ort_nlp_paced_p50_ms",
                    Stats.percentileMs(lat, 50),
                    "ORT all-minilm-l6-v2-q batch 1 p50 at 50 runs/s",
                    "ms");
            results.put("ort_nlp_paced_p99_ms", Stats.round(Stats.percentileMs(lat, 99)));
        } finally {
            b.close();
        }
    }

    /**
     * Latency at 5,000 readings/s from right after the job's first result: what the first minute after every
     * restart looks like (JIT compilation, first inference runs, new series), before any warm-up. A minute in
     * {@code --full}, 20 s otherwise.
     */
    private void freshLatency(String key, String who, AnomalyLoad load) throws Exception {
        int seconds = full ? 60 : 20;
        long[] lat = load.paced(5000, 5000 * seconds);
        put(
                key + "_fresh_p50_ms",
                Stats.percentileMs(lat, 50),
                who + " anomaly p50 at 5,000 msg/s, first " + seconds + " s after its first result",
                "ms");
        put(
                key + "_fresh_p99_ms",
                Stats.percentileMs(lat, 99),
                who + " anomaly p99 at 5,000 msg/s, first " + seconds + " s after its first result",
                "ms");
    }

    private int series() {
        return 100;
    }

    // (d) the Node.js peer on mosquitto
    private void nodePeer(Mosquitto mosquitto, Path peerDir, Path work) throws Exception {
        int n = full ? 300_000 : 60_000;
        System.out.println("== Node.js peer (mqtt + onnxruntime-node), " + series() + " series, " + n + " readings");
        int port = Integer.parseInt(mosquitto.uri().substring(mosquitto.uri().lastIndexOf(':') + 1));
        try (NodePeer peer = NodePeer.start(peerDir, port, work.resolve("node-peer"));
                AnomalyLoad load = new AnomalyLoad(mosquitto.uri(), "bench-peer", series())) {
            load.probe(30_000);
            freshLatency("node_peer", "Node peer", load);
            load.warmUp(300);
            load.paced(2000, 4000);
            peerScores = load.lastScores();
            double cpu0 = CpuTime.process(peer.pid());
            AnomalyLoad.Saturation s = load.saturate(n);
            double cpu = CpuTime.process(peer.pid()) - cpu0;
            put(
                    "node_peer_anomaly_msgs_per_s",
                    s.msgsPerS(),
                    "Node peer anomaly at saturation (" + s.results() + "/" + s.sent() + " results)",
                    "msg/s");
            cpuPerReading("node_peer_cpu_us_per_reading", "Node peer", cpu0, cpu, s.results());
            long[] lat = load.paced(5000, full ? 50_000 : 15_000);
            put("node_peer_anomaly_p50_ms", Stats.percentileMs(lat, 50), "Node peer anomaly p50 at 5,000 msg/s", "ms");
            put("node_peer_anomaly_p99_ms", Stats.percentileMs(lat, 99), "Node peer anomaly p99 at 5,000 msg/s", "ms");
            put("node_peer_rss_mb", peer.rssMb(), "Node peer RSS after its run", "MB");
        }
    }

    // (c) the packaged gateway
    private void gateway(Mosquitto mosquitto, Path dist, Path textsFile, Path work) throws Exception {
        System.out.println("== gateway (packaged distribution as its own process) on mosquitto");
        List<String> texts = ShippedModels.texts(textsFile, 5000);
        try (GatewayProcess g = GatewayProcess.unpack(dist, work.resolve("gateway"))) {
            g.connectTo(mosquitto.uri(), "edgeai-bench-gw");
            // experiments: BENCH_GW_<NAME>=value sets <NAME> in the gateway's environment (e.g. JAVA_MAX_MEM)
            System.getenv().forEach((k, v) -> {
                if (k.startsWith("BENCH_GW_") && !k.equals("BENCH_GW_CONFIG")) {
                    g.env(k.substring("BENCH_GW_".length()), v);
                    results.put("gateway_env_" + k.substring("BENCH_GW_".length()), v);
                }
            });
            for (String key : List.of("inputQos", "outputQos")) {
                g.replaceInConfig("edgeai.pipeline.anomaly-demo.cfg", key, "0");
                g.replaceInConfig("edgeai.pipeline.text-demo.cfg", key, "0");
            }
            // and BENCH_GW_CONFIG="file.cfg:key=value;..." edits its configuration (e.g. the store's settings)
            String edits = System.getenv().getOrDefault("BENCH_GW_CONFIG", "");
            for (String edit : edits.split(";")) {
                int colon = edit.indexOf(':');
                int eq = edit.indexOf('=', colon + 1);
                if (colon > 0 && eq > colon) {
                    g.replaceInConfig(
                            edit.substring(0, colon).trim(),
                            edit.substring(colon + 1, eq).trim(),
                            edit.substring(eq + 1).trim());
                }
            }
            String demo = Files.readString(g.home().resolve("etc/edgeai.pipeline.text-demo.cfg"));
            g.writeConfig(
                    "edgeai.pipeline.text-batched.cfg",
                    demo.replaceAll("(?m)^name = .*$", "name = text-batched")
                                    .replaceAll("(?m)^inputTopic = .*$", "inputTopic = bench/+/voice")
                                    .replaceAll("(?m)^outputTopicPrefix = .*$", "outputTopicPrefix = edgeai/nlpb")
                            + "\nbatch.size = 32\nbatch.linger.ms = 5\n");
            try (AnomalyLoad load = new AnomalyLoad(mosquitto.uri(), "bench-gw", series());
                    TextLoad text = new TextLoad(mosquitto.uri(), "bench-text", texts, "home", "edgeai/nlp");
                    TextLoad batched = new TextLoad(mosquitto.uri(), "bench-textb", texts, "bench", "edgeai/nlpb")) {
                long t0 = System.nanoTime();
                g.startNoWait();
                load.probe(120_000);
                put("cold_start_s", (System.nanoTime() - t0) / 1e9, "Gateway cold start to first anomaly result", "s");
                g.awaitLive(Duration.ofSeconds(60));
                text.probe(60_000);
                batched.probe(60_000);
                results.put("rss_mb_at_ready", Stats.round(g.rssMb()));
                freshLatency("gateway", "Gateway", load);
                load.warmUp(300);
                load.paced(2000, 4000);
                agreement(peerScores, load.lastScores());
                int n = full ? 1_000_000 : 200_000;
                long jvm = g.jvm().map(ProcessHandle::pid).orElse(-1L);
                double cpu0 = CpuTime.process(jvm);
                Map<String, Double> threads0 = CpuTime.threads(jvm);
                AnomalyLoad.Saturation first = load.saturate(n / 2);
                double rssMid = g.rssMb();
                AnomalyLoad.Saturation second = load.saturate(n / 2);
                double cpu = CpuTime.process(jvm) - cpu0;
                Map<String, Double> threads = CpuTime.delta(threads0, CpuTime.threads(jvm));
                double rssEnd = g.rssMb();
                long got = first.results() + second.results();
                cpuPerReading("gateway_cpu_us_per_reading", "Gateway", cpu0, cpu, got);
                Map<String, Object> perThread = new java.util.LinkedHashMap<>();
                threads.entrySet().stream()
                        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                        .forEach(e -> perThread.put(e.getKey(), Stats.round(e.getValue() * 1e6 / Math.max(1, got))));
                results.put("gateway_thread_cpu_us_per_reading", perThread);
                double rate = got / (first.results() / first.msgsPerS() + second.results() / second.msgsPerS());
                put(
                        "gateway_anomaly_msgs_per_s",
                        rate,
                        "Gateway anomaly at saturation (" + got + "/" + n + " results)",
                        "msg/s");
                results.put("gateway_anomaly_results", got);
                results.put("gateway_anomaly_inputs", n);
                stageMeans(g);
                put("rss_mb_mid_soak", rssMid, "Gateway RSS after " + n / 2 + " readings", "MB");
                put("rss_mb_end_soak", rssEnd, "Gateway RSS after " + n + " readings", "MB");
                put(
                        "rss_growth_second_half_pct",
                        (rssEnd - rssMid) / rssMid * 100,
                        "RSS growth over the second half",
                        "%");
                long[] lat = load.paced(5000, full ? 50_000 : 15_000);
                put("gateway_anomaly_p50_ms", Stats.percentileMs(lat, 50), "Gateway anomaly p50 at 5,000 msg/s", "ms");
                put("gateway_anomaly_p99_ms", Stats.percentileMs(lat, 99), "Gateway anomaly p99 at 5,000 msg/s", "ms");

                Map<String, double[]> textBefore = stageSums(metrics(g), "text-demo");
                TextLoad.Run paced = text.run(full ? 1000 : 200, 50, 0);
                Map<String, double[]> textAfter = stageSums(metrics(g), "text-demo");
                textAfter.forEach((stage, v) -> {
                    double[] b = textBefore.getOrDefault(stage, new double[2]);
                    if (v[1] > b[1]) {
                        results.put(
                                "gateway_text_stage_" + stage + "_mean_us",
                                Stats.round((v[0] - b[0]) / (v[1] - b[1]) * 1e6));
                    }
                });
                put("gateway_nlp_p50_ms", paced.p50Ms(), "Gateway text pipeline p50 at 50 msg/s", "ms");
                put("gateway_nlp_p99_ms", paced.p99Ms(), "Gateway text pipeline p99 at 50 msg/s", "ms");
                int sat = full ? 4000 : 800;
                TextLoad.Run un = text.run(sat, 0, 64);
                put(
                        "unbatched_nlp_msgs_per_s",
                        un.msgsPerS(),
                        "Text pipeline unbatched, 64 in flight (" + un.results() + "/" + sat + ")",
                        "msg/s");
                put("unbatched_nlp_p99_ms", un.p99Ms(), "Text pipeline unbatched p99, 64 in flight", "ms");
                TextLoad.Run b = batched.run(sat, 0, 64);
                put(
                        "batched_nlp_msgs_per_s",
                        b.msgsPerS(),
                        "Text pipeline batch.size 32 / linger 5 ms, 64 in flight (" + b.results() + "/" + sat + ")",
                        "msg/s");
                put("batched_nlp_p50_ms", b.p50Ms(), "Text pipeline batched p50, 64 in flight", "ms");
                put("batched_nlp_p99_ms", b.p99Ms(), "Text pipeline batched p99, 64 in flight", "ms");
                put("rss_mb_after_run", g.rssMb(), "Gateway RSS after the run (all demo pipelines loaded)", "MB");
                jvmMemory(g);
                // a graceful stop (SIGTERM to the JVM): what runs at exit runs, e.g. a flight recording asked for
                // with BENCH_GW_EXTRA_JAVA_OPTS=-XX:StartFlightRecording=dumponexit=true,filename=...
                g.stop(Duration.ofSeconds(60));
            } catch (Exception e) {
                System.err.println("gateway log tail:\n" + tail(g.log(), 3000));
                throw e;
            }
        }
    }

    /**
     * Checks that the Node peer does the same job: the same readings (same series, same order, after the same
     * warm-up) must get the same scores from both.
     */
    private void agreement(double[] peer, double[] gateway) {
        if (peer == null || peer.length != gateway.length) {
            return;
        }
        int compared = 0;
        int warmingBoth = 0;
        double maxDiff = 0;
        for (int i = 0; i < peer.length; i++) {
            if (Double.isNaN(peer[i]) || Double.isNaN(gateway[i])) {
                continue;
            }
            compared++;
            if (peer[i] < 0 && gateway[i] < 0) {
                warmingBoth++;
            }
            maxDiff = Math.max(maxDiff, Math.abs(peer[i] - gateway[i]));
        }
        results.put("node_peer_agreement_readings", compared);
        results.put("node_peer_agreement_warming_up_both", warmingBoth);
        results.put("node_peer_agreement_max_abs_score_diff", maxDiff);
        System.out.printf(
                "  Node peer and gateway scored %d identical readings; largest score difference %.2e%n",
                compared, maxDiff);
    }

    /**
     * @param metrics the gateway's Prometheus text
     * @param pipeline a pipeline's name
     * @return sum (seconds) and count of each of the pipeline's stages, from the gateway's own histograms
     */
    private static Map<String, double[]> stageSums(String metrics, String pipeline) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        java.util.regex.Pattern p =
                java.util.regex.Pattern.compile("^edgeai_pipeline_stage_seconds_(sum|count)\\{pipeline=\""
                        + java.util.regex.Pattern.quote(pipeline) + "\",stage=\"([a-z]+)\"\\} (\\S+)$");
        for (String line : metrics.split("\n")) {
            var m = p.matcher(line);
            if (m.matches()) {
                double[] v = sums.computeIfAbsent(m.group(2), k -> new double[2]);
                v[m.group(1).equals("sum") ? 0 : 1] = Double.parseDouble(m.group(3));
            }
        }
        return sums;
    }

    /** @return the gateway's Prometheus text, empty when it cannot be read (no stage figures then) */
    private static String metrics(GatewayProcess g) {
        try {
            return g.httpGet("/metrics");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Mean time per reading of each stage of the demo pipeline, and its ingest drops. */
    private void stageMeans(GatewayProcess g) {
        try {
            String metrics = g.httpGet("/metrics");
            for (String line : metrics.split("\n")) {
                if (line.startsWith("edgeai_pipeline_messages_dropped_total{pipeline=\"demo\"")) {
                    results.put(
                            "gateway_anomaly_dropped_at_ingest",
                            Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                }
            }
            stageSums(metrics, "demo").forEach((stage, v) -> {
                if (v[1] > 0) {
                    results.put("gateway_stage_" + stage + "_mean_us", Stats.round(v[0] / v[1] * 1e6));
                }
            });
        } catch (IOException | RuntimeException e) {
            results.put("gateway_stage_error", e.toString());
        }
    }

    /** Where the gateway's memory is: heap and metaspace from jcmd (and the NMT summary when it runs with NMT). */
    private void jvmMemory(GatewayProcess g) {
        g.jvm().ifPresent(jvm -> {
            String heap = jcmd(jvm.pid(), "GC.heap_info");
            results.put(
                    "gateway_heap_info", heap.lines().skip(1).map(String::trim).toList());
            String nmt = jcmd(jvm.pid(), "VM.native_memory", "summary");
            if (nmt.contains("committed")) {
                results.put(
                        "gateway_native_memory",
                        nmt.lines()
                                .filter(l -> l.startsWith("-") || l.startsWith("Total"))
                                .map(l -> l.replaceAll("\\s+", " ").trim())
                                .toList());
            }
            // after the RSS figures: the class histogram runs a full collection first (live objects only)
            results.put(
                    "gateway_live_heap_top",
                    jcmd(jvm.pid(), "GC.class_histogram")
                            .lines()
                            .skip(1)
                            .limit(16)
                            .map(l -> l.replaceAll("\\s+", " ").trim())
                            .toList());
            results.put(
                    "gateway_heap_info_after_full_gc",
                    jcmd(jvm.pid(), "GC.heap_info")
                            .lines()
                            .skip(1)
                            .map(String::trim)
                            .toList());
        });
    }

    private static String jcmd(long pid, String... command) {
        List<String> cmd = new ArrayList<>(List.of("jcmd", Long.toString(pid)));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String tail(String s, int n) {
        return s.length() <= n ? s : s.substring(s.length() - n);
    }

    private void ratios() {
        ratio("gateway_cpu_vs_node_peer", "gateway_cpu_us_per_reading", "node_peer_cpu_us_per_reading", 0.6, false);
        ratio("gateway_anomaly_vs_paho_qos0", "gateway_anomaly_msgs_per_s", "paho_qos0_msgs_per_s", 0.8, true);
        ratio("gateway_anomaly_vs_node_peer", "gateway_anomaly_msgs_per_s", "node_peer_anomaly_msgs_per_s", 2.0, true);
        // no target: how much of this machine's MQTT-in/MQTT-out ceiling the gateway reaches
        Double relay = quotient("gateway_anomaly_vs_mqtt_relay", "gateway_anomaly_msgs_per_s", "mqtt_relay_msgs_per_s");
        if (relay != null) {
            table.add(new String[] {
                "ratio gateway_anomaly_msgs_per_s / mqtt_relay_msgs_per_s",
                String.format("%.3f (no target: the relay is the ceiling here)", relay),
                "gateway_anomaly_vs_mqtt_relay"
            });
        }
        ratio("gateway_nlp_p50_vs_ort", "gateway_nlp_p50_ms", "ort_nlp_p50_ms", 1.15, false);
        // and against bare ORT at the same pace plus the two MQTT hops measured by an echo at that pace
        if (results.get("ort_nlp_paced_p50_ms") instanceof Double o
                && results.get("paho_rtt_p50_ms") instanceof Double m) {
            results.put("ort_paced_plus_mqtt_rtt_p50_ms", Stats.round(o + m));
            ratio(
                    "gateway_nlp_p50_vs_ort_paced_plus_mqtt_rtt",
                    "gateway_nlp_p50_ms",
                    "ort_paced_plus_mqtt_rtt_p50_ms",
                    1.15,
                    false);
        }
        ratio("batched_vs_unbatched_nlp", "batched_nlp_msgs_per_s", "unbatched_nlp_msgs_per_s", 3.0, true);
        target("batched_nlp_p99_ms", 50, false);
        target("rss_mb_after_run", 256, false);
        target("rss_growth_second_half_pct", 5, false);
        target("cold_start_s", 8, false);
    }

    /**
     * Records a process's CPU time per reading over a saturation soak (user + system of the whole process ÷
     * readings answered), unless the CPU time could not be read.
     */
    private void cpuPerReading(String key, String who, double before, double seconds, long readings) {
        if (before < 0 || seconds < 0 || readings <= 0) {
            results.put(key + "_error", "no CPU time for " + who + " (not Linux, or the process ended)");
            return;
        }
        put(
                key,
                seconds * 1e6 / readings,
                who + " CPU per reading at saturation (user + system, " + readings + " readings)",
                "µs");
    }

    /** Records {@code num / den} under {@code key}; null (nothing recorded) when either figure is missing. */
    private Double quotient(String key, String num, String den) {
        if (!(results.get(num) instanceof Double a) || !(results.get(den) instanceof Double b) || b == 0) {
            return null;
        }
        double r = a / b;
        results.put(key, Stats.round(r));
        return r;
    }

    private void ratio(String key, String num, String den, double target, boolean atLeast) {
        Double q = quotient(key, num, den);
        if (q == null) {
            return;
        }
        double r = q;
        boolean pass = atLeast ? r >= target : r <= target;
        results.put(key + "_target", (atLeast ? ">= " : "<= ") + target);
        results.put(key + "_pass", pass);
        table.add(new String[] {
            "ratio " + num + " / " + den,
            String.format("%.3f", r) + " (target " + (atLeast ? ">= " : "<= ") + target + ": "
                    + (pass ? "pass" : "MISS") + ")",
            key
        });
    }

    private void target(String key, double limit, boolean atLeast) {
        if (!(results.get(key) instanceof Double v)) {
            return;
        }
        boolean pass = atLeast ? v >= limit : v <= limit;
        results.put(key + "_target", (atLeast ? ">= " : "<= ") + limit);
        results.put(key + "_pass", pass);
        table.add(new String[] {
            "target " + key,
            v + " (target " + (atLeast ? ">= " : "<= ") + limit + ": " + (pass ? "pass" : "MISS") + ")",
            key
        });
    }

    private void print() {
        System.out.println();
        System.out.println("| what | figure | key |");
        System.out.println("|---|---:|---|");
        for (String[] row : table) {
            System.out.println("| " + row[0] + " | " + row[1] + " | `" + row[2] + "` |");
        }
    }

    /** @return the resident set size of a process in MB (Linux), -1 when unknown */
    static double rssMb(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException gone) {
            return -1;
        }
        return -1;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Stops every process this run started (mosquitto, the gateway, the Node.js peer, and their children) and
     * removes the work folder: after a normal end there is nothing left to do; after a signal it leaves no
     * broker on a port and no folder behind.
     */
    private static void cleanUp(Path work) {
        List<ProcessHandle> children = ProcessHandle.current().descendants().toList();
        if (!children.isEmpty()) {
            System.err.println("stopping " + children.size() + " processes this run started");
        }
        children.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle p : children) {
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                p.onExit().get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (Exception notYet) {
                p.destroyForcibly();
            }
        }
        if (!Boolean.getBoolean("edgeai.it.keep") && Files.exists(work)) {
            deleteTree(work);
        }
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException leftBehind) {
            // a temporary directory
        }
    }
}
