package io.edgeai.gateway.nlp.tools;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.mqtt.tools.LocalConnections;
import io.edgeai.gateway.nlp.internal.ModelLookup;
import io.edgeai.gateway.nlp.internal.TextSettings;
import io.edgeai.gateway.nlp.internal.TextWorker;
import io.edgeai.gateway.nlp.internal.intent.FewShotIntents;
import io.edgeai.gateway.onnx.tools.LocalModels;

/**
 * Throughput and latency of the MiniLM-int8 few-shot intent pipeline without and with micro-batching: a real
 * {@link TextWorker} on a Paho connection to a real broker, a device connection publishing NLU sentences
 * ({@code <prefix>/<index>}) and receiving the results, latency from publish to result per message.
 * Phases, each on fresh counters: unbatched at saturation (everything published at once), batched at
 * saturation, then each paced at a fixed rate for p50/p99 (by default 70 % of its own saturation rate;
 * {@code --rate} fixes one rate for both).
 * {@code --broker none} measures the encoder alone (one text per run vs batches) and stops there.
 * Usage: {@code NlpThroughput --broker tcp://127.0.0.1:1883 [--data JSONL] [--messages N] [--batch N]
 * [--linger MS] [--threads N] [--rate MSGS_PER_S] [--json FILE]}.
 */
public final class NlpThroughput {
    private static final String[] INTENTS = {
        "lights_on=turn on the lights|switch the light on|lights on please",
        "lights_off=turn off the lights|switch the light off|lights off",
        "weather=what is the weather like|will it rain tomorrow|how warm is it outside",
        "music=play some music|put on a song|play my playlist",
        "alarm=set an alarm for seven|wake me up at six",
        "timer=set a timer for ten minutes|start a countdown"
    };
    private static final ObjectMapper JSON = new ObjectMapper();

    private NlpThroughput() {}

    /** Latencies and rate of one phase. */
    record Phase(String name, int messages, double msgsPerSecond, double p50Ms, double p99Ms) {
        @Override
        public String toString() {
            return String.format(
                    "%-22s n=%d  %8.1f msg/s  p50 %7.2f ms  p99 %7.2f ms", name, messages, msgsPerSecond, p50Ms, p99Ms);
        }
    }

    /**
     * @param args see the class comment
     * @throws Exception when anything fails
     */
    public static void main(String[] args) throws Exception {
        Path data = Path.of("data/nlu/clinc150/test.jsonl");
        int n = 3000;
        int batch = 16;
        int linger = 2;
        int threads = 1;
        double rate = 0;
        String broker = null;
        Path jsonOut = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[i + 1]);
                case "--messages" -> n = Integer.parseInt(args[i + 1]);
                case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                case "--linger" -> linger = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--rate" -> rate = Double.parseDouble(args[i + 1]);
                case "--broker" -> broker = args[i + 1];
                case "--json" -> jsonOut = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (broker == null) {
            throw new IllegalArgumentException("--broker tcp://host:port is required");
        }
        List<byte[]> payloads = new ArrayList<>();
        for (String line : Files.readAllLines(data)) {
            String text = JSON.readTree(line).path("text").asText();
            payloads.add(JSON.createObjectNode().put("text", text).toString().getBytes(StandardCharsets.UTF_8));
            if (payloads.size() == n) {
                break;
            }
        }
        try (LocalModels models = new LocalModels()) {
            TextEncoder enc = models.encoder("all-minilm-l6-v2-q", threads);
            System.out.printf(
                    "MiniLM-int8 few-shot intents, %d messages, intra-op threads %d, %d CPUs%n",
                    payloads.size(), threads, Runtime.getRuntime().availableProcessors());
            encoderOnly(enc, payloads, batch);
            if (!broker.equals("none")) {
                pipeline(enc, broker, payloads, batch, linger, rate, jsonOut);
            }
        }
    }

    private static void pipeline(
            TextEncoder enc, String broker, List<byte[]> payloads, int batch, int linger, double rate, Path jsonOut)
            throws Exception {
        try (Bench bench = new Bench(broker, enc)) {
            Phase unbatched = bench.phase("unbatched saturation", 1, linger, payloads, 0);
            System.out.println(unbatched);
            Phase batched = bench.phase("batch " + batch + " saturation", batch, linger, payloads, 0);
            System.out.println(batched);
            double ru = rate > 0 ? rate : 0.7 * unbatched.msgsPerSecond();
            double rb = rate > 0 ? rate : 0.7 * batched.msgsPerSecond();
            Phase pacedU = bench.phase(String.format("unbatched @%.0f/s", ru), 1, linger, payloads, ru);
            System.out.println(pacedU);
            Phase pacedB = bench.phase(String.format("batch %d @%.0f/s", batch, rb), batch, linger, payloads, rb);
            System.out.println(pacedB);
            System.out.printf(
                    "batched / unbatched throughput = %.2f%n", batched.msgsPerSecond() / unbatched.msgsPerSecond());
            if (jsonOut != null) {
                Files.writeString(
                        jsonOut,
                        JSON.writerWithDefaultPrettyPrinter()
                                .writeValueAsString(java.util.Map.of(
                                        "unbatched_nlp_msgs_per_s",
                                        unbatched.msgsPerSecond(),
                                        "batched_nlp_msgs_per_s",
                                        batched.msgsPerSecond(),
                                        "unbatched_nlp_p99_ms",
                                        pacedU.p99Ms(),
                                        "batched_nlp_p99_ms",
                                        pacedB.p99Ms(),
                                        "batched_nlp_p50_ms",
                                        pacedB.p50Ms(),
                                        "batched_nlp_rate",
                                        rb,
                                        "nlp_batch_size",
                                        batch)));
            }
        }
    }

    /**
     * The encoder alone, in this thread: one run per text vs runs of {@code batch} texts, texts per second of
     * wall time and of this thread's CPU time (with one intra-op thread ONNX Runtime computes on the calling
     * thread, so CPU time is the work done and barely depends on what else the machine runs).
     */
    private static void encoderOnly(TextEncoder enc, List<byte[]> payloads, int batch) throws Exception {
        List<String> texts = new ArrayList<>();
        for (byte[] p : payloads) {
            texts.add(JSON.readTree(p).get("text").asText());
        }
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 2; round++) { // round 0 warms up
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (String t : texts) {
                enc.embedText(t);
            }
            long c1 = mx.getCurrentThreadCpuTime();
            long t1 = System.nanoTime();
            for (int i = 0; i < texts.size(); i += batch) {
                enc.embedBatch(texts.subList(i, Math.min(texts.size(), i + batch)));
            }
            long c2 = mx.getCurrentThreadCpuTime();
            long t2 = System.nanoTime();
            if (round == 1) {
                System.out.printf(
                        "encoder only, wall: one text per run %.1f texts/s, batches of %d %.1f texts/s " + "(%.2fx)%n",
                        texts.size() / ((t1 - t0) / 1e9),
                        batch,
                        texts.size() / ((t2 - t1) / 1e9),
                        (t1 - t0) / (double) (t2 - t1));
                System.out.printf(
                        "encoder only, CPU of this thread: one text per run %.1f texts/s, batches of %d "
                                + "%.1f texts/s (%.2fx)%n",
                        texts.size() / ((c1 - c0) / 1e9),
                        batch,
                        texts.size() / ((c2 - c1) / 1e9),
                        (c1 - c0) / (double) (c2 - c1));
            }
        }
    }

    /** A gateway connection running the worker and a device connection publishing and receiving. */
    private static final class Bench implements AutoCloseable {
        private final LocalConnections connections = new LocalConnections();
        private final MqttConnection gw;
        private final MqttConnection dev;
        private final TextEncoder enc;
        private final AtomicInteger run = new AtomicInteger();
        private volatile Recording current;

        Bench(String broker, TextEncoder enc) throws Exception {
            this.enc = enc;
            gw = connections.open("gw", broker, "edgeai-throughput-gw");
            dev = connections.open("dev", broker, "edgeai-throughput-dev");
            connections.awaitConnected(Duration.ofSeconds(30));
            dev.subscribe("edgeai/nlp/bench/#", 0, m -> {
                Recording r = current;
                if (r != null) {
                    r.received(m.topic(), System.nanoTime());
                }
            });
        }

        Phase phase(String name, int batch, int linger, List<byte[]> payloads, double rate)
                throws InterruptedException {
            int id = run.incrementAndGet();
            String prefix = "bench/" + id;
            TextSettings s = new TextSettings(
                            "bench",
                            prefix + "/+",
                            0,
                            "edgeai/nlp",
                            0,
                            "edgeai/deadletter",
                            "text",
                            1 << 20,
                            2000,
                            enc.info().name(),
                            Set.of("intent"),
                            FewShotIntents.parse(INTENTS),
                            "",
                            "",
                            -1,
                            0.5,
                            0.05,
                            payloads.size() + 100)
                    .withBatch(batch, linger);
            ModelLookup lookup = new ModelLookup() {
                @Override
                public TextEncoder encoder(String modelName) {
                    return enc;
                }

                @Override
                public ModelRunner model(String modelName) {
                    return null;
                }
            };
            TextWorker worker = new TextWorker(s, gw, lookup);
            worker.start();
            try {
                Recording probe = new Recording("edgeai/nlp/" + prefix + "/", 1);
                current = probe;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!probe.await(200)) { // the subscription is asynchronous: probe until answered
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the worker does not answer");
                    }
                    probe.sent(0, System.nanoTime());
                    dev.publish(prefix + "/0", payloads.get(0), 0, false);
                }
                Recording r = new Recording("edgeai/nlp/" + prefix + "/", payloads.size());
                current = r;
                long start = System.nanoTime();
                double gap = rate > 0 ? 1e9 / rate : 0;
                for (int i = 0; i < payloads.size(); i++) {
                    if (gap > 0) {
                        long due = start + (long) (i * gap);
                        while (System.nanoTime() < due) {
                            LockSupport.parkNanos(due - System.nanoTime());
                        }
                    }
                    r.sent(i, System.nanoTime());
                    dev.publish(prefix + "/" + i, payloads.get(i), 0, false);
                }
                if (!r.await(TimeUnit.MINUTES.toMillis(5))) {
                    throw new IllegalStateException(
                            name + ": only " + r.count.get() + " of " + payloads.size() + " results arrived");
                }
                long[] lat = r.latencies();
                double seconds = (r.last - start) / 1e9;
                return new Phase(
                        name, payloads.size(), payloads.size() / seconds, pct(lat, 50) / 1e6, pct(lat, 99) / 1e6);
            } finally {
                current = null;
                worker.stop();
            }
        }

        @Override
        public void close() {
            connections.close();
        }
    }

    /** Send and receive times per message index of one phase. */
    private static final class Recording {
        final String prefix;
        final AtomicLongArray sentAt;
        final AtomicLongArray receivedAt;
        final AtomicInteger count = new AtomicInteger();
        volatile long last;

        Recording(String prefix, int n) {
            this.prefix = prefix;
            this.sentAt = new AtomicLongArray(n);
            this.receivedAt = new AtomicLongArray(n);
        }

        void sent(int i, long t) {
            sentAt.set(i, t);
        }

        void received(String topic, long t) {
            if (!topic.startsWith(prefix)) {
                return;
            }
            int i = Integer.parseInt(topic.substring(prefix.length()));
            if (i < receivedAt.length() && receivedAt.compareAndSet(i, 0, t)) {
                last = t;
                synchronized (this) {
                    if (count.incrementAndGet() == receivedAt.length()) {
                        notifyAll();
                    }
                }
            }
        }

        synchronized boolean await(long millis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + millis;
            while (count.get() < receivedAt.length()) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        }

        long[] latencies() {
            long[] l = new long[receivedAt.length()];
            for (int i = 0; i < l.length; i++) {
                l[i] = receivedAt.get(i) - sentAt.get(i);
            }
            return l;
        }
    }

    private static long pct(long[] nanos, double p) {
        long[] c = nanos.clone();
        Arrays.sort(c);
        return c[Math.max(0, Math.min(c.length - 1, (int) Math.ceil(p / 100 * c.length) - 1))];
    }
}
