package io.edgeai.gateway.nlp.tools;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.mqtt.tools.LocalConnections;
import io.edgeai.gateway.nlp.internal.ModelLookup;
import io.edgeai.gateway.nlp.internal.TextSettings;
import io.edgeai.gateway.nlp.internal.TextWorker;
import io.edgeai.gateway.nlp.internal.decode.TextDecoder;
import io.edgeai.gateway.nlp.internal.encode.TextResultEncoder;
import io.edgeai.gateway.nlp.internal.intent.FewShotClassifier;
import io.edgeai.gateway.nlp.internal.intent.FewShotIntents;
import io.edgeai.gateway.nlp.internal.intent.IntentResult;
import io.edgeai.gateway.onnx.tools.LocalModels;
import io.edgeai.gateway.tokenize.Encoding;

/**
 * Latency of the MiniLM-int8 few-shot intent pipeline against bare ONNX Runtime {@code session.run} on the
 * same inputs, in the same run, interleaved per message so both see the same machine load:
 * <ul>
 * <li>{@code bare-ort}: pre-tokenized ids in direct buffers, three tensors, {@code session.run}, read the
 * hidden state, close; nothing else;</li>
 * <li>{@code pipeline}: the worker's stages in-process on the raw payload: decode, tokenize, embed
 * (session run + pooling), few-shot classify, encode the result JSON;</li>
 * <li>{@code mqtt} (with {@code --broker URI}): a real {@link TextWorker} on a Paho connection, one message
 * in flight, publish to result received.</li>
 * </ul>
 * Usage: {@code NlpLatency [--data JSONL] [--messages N] [--broker tcp://127.0.0.1:1883]}; prints p50/p90/p99.
 */
public final class NlpLatency {
    private static final String[] INTENTS = {
        "lights_on=turn on the lights|switch the light on|lights on please",
        "lights_off=turn off the lights|switch the light off|lights off",
        "weather=what is the weather like|will it rain tomorrow|how warm is it outside",
        "music=play some music|put on a song|play my playlist",
        "alarm=set an alarm for seven|wake me up at six",
        "timer=set a timer for ten minutes|start a countdown"
    };

    private NlpLatency() {}

    /**
     * @param args see the class comment
     * @throws Exception when anything fails
     */
    public static void main(String[] args) throws Exception {
        Path data = Path.of("data/nlu/clinc150/test.jsonl");
        int n = 2000;
        String broker = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[i + 1]);
                case "--messages" -> n = Integer.parseInt(args[i + 1]);
                case "--broker" -> broker = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ObjectMapper json = new ObjectMapper();
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(data)) {
            texts.add(json.readTree(line).path("text").asText());
            if (texts.size() == n) {
                break;
            }
        }
        try (LocalModels models = new LocalModels();
                Bare bare = new Bare("all-minilm-l6-v2-q")) {
            TextEncoder enc = models.encoder("all-minilm-l6-v2-q");
            FewShotClassifier fewShot = FewShotClassifier.build(enc, FewShotIntents.parse(INTENTS));
            TextDecoder decoder = new TextDecoder("text", 2000);
            long[] tBare = new long[texts.size()];
            long[] tPipe = new long[texts.size()];
            for (int round = -1; round < 1; round++) { // round -1 warms up both paths
                for (int i = 0; i < texts.size(); i++) {
                    byte[] payload = json.createObjectNode()
                            .put("text", texts.get(i))
                            .toString()
                            .getBytes(StandardCharsets.UTF_8);
                    Encoding e = enc.encode(texts.get(i));
                    long t0 = System.nanoTime();
                    bare.run(e);
                    long t1 = System.nanoTime();
                    String text = decoder.decode(payload);
                    float[] v = enc.embed(text);
                    IntentResult r = fewShot.classify(v, 0.05, 0.5, 0);
                    byte[] out = TextResultEncoder.result(
                            "home/x/voice",
                            text,
                            r,
                            "few-shot",
                            null,
                            null,
                            enc.info().id(),
                            false);
                    long t2 = System.nanoTime();
                    if (out.length == 0) {
                        throw new IllegalStateException();
                    }
                    tBare[i] = t1 - t0;
                    tPipe[i] = t2 - t1;
                }
            }
            report("bare-ort", tBare);
            report("pipeline", tPipe);
            System.out.printf("pipeline p50 / bare p50 = %.3f%n", pct(tPipe, 50) / (double) pct(tBare, 50));
            if (broker != null) {
                report("mqtt", overMqtt(broker, enc, texts));
            }
        }
    }

    /** Bare ONNX Runtime on the encoder's model file, as a caller without our runtime would use it. */
    private static final class Bare implements AutoCloseable {
        final OrtEnvironment env = OrtEnvironment.getEnvironment();
        final OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        final OrtSession session;
        final LongBuffer ids = direct(512);
        final LongBuffer mask = direct(512);
        final LongBuffer types = direct(512);

        Bare(String model) throws Exception {
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            session = env.createSession(LocalModels.onnxFile(model), opts);
        }

        float[] run(Encoding e) throws Exception {
            int n = e.length();
            ids.clear();
            mask.clear();
            types.clear();
            for (int i = 0; i < n; i++) {
                ids.put(e.ids()[i]);
                mask.put(1);
                types.put(0);
            }
            ids.flip();
            mask.flip();
            types.flip();
            long[] shape = {1, n};
            try (OnnxTensor a = OnnxTensor.createTensor(env, ids, shape);
                    OnnxTensor b = OnnxTensor.createTensor(env, mask, shape);
                    OnnxTensor c = OnnxTensor.createTensor(env, types, shape);
                    OrtSession.Result r = session.run(
                            Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c),
                            Set.of("last_hidden_state"))) {
                var fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                return out;
            }
        }

        @Override
        public void close() throws OrtException {
            session.close();
            opts.close();
        }

        private static LongBuffer direct(int n) {
            return ByteBuffer.allocateDirect(n * 8)
                    .order(ByteOrder.nativeOrder())
                    .asLongBuffer();
        }
    }

    private static long[] overMqtt(String broker, TextEncoder enc, List<String> texts) throws Exception {
        BlockingQueue<byte[]> results = new ArrayBlockingQueue<>(16);
        try (LocalConnections connections = new LocalConnections()) {
            MqttConnection gw = connections.open("gw", broker, "edgeai-latency-gw");
            MqttConnection dev = connections.open("dev", broker, "edgeai-latency-dev");
            connections.awaitConnected(Duration.ofSeconds(30));
            dev.subscribe("edgeai/nlp/latency/#", 0, m -> results.offer(m.payload()));
            TextSettings s = new TextSettings(
                    "latency",
                    "latency/+",
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
                    1000);
            ModelLookup lookup = new ModelLookup() {
                @Override
                public TextEncoder encoder(String name) {
                    return enc;
                }

                @Override
                public ModelRunner model(String name) {
                    return null;
                }
            };
            TextWorker worker = new TextWorker(s, gw, lookup);
            worker.start();
            try {
                byte[] probe = "{\"text\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
                while (results.poll(200, TimeUnit.MILLISECONDS) == null) { // wait for the subscriptions
                    dev.publish("latency/probe", probe, 0, false);
                }
                while (results.poll(500, TimeUnit.MILLISECONDS) != null) {
                    // answers to the last probes: drained until none came for 500 ms
                }
                long[] t = new long[texts.size()];
                for (int i = 0; i < texts.size(); i++) {
                    byte[] p = ("{\"text\":" + new ObjectMapper().writeValueAsString(texts.get(i)) + "}")
                            .getBytes(StandardCharsets.UTF_8);
                    long t0 = System.nanoTime();
                    dev.publish("latency/dev", p, 0, false);
                    if (results.poll(10, TimeUnit.SECONDS) == null) {
                        throw new IllegalStateException("no result for message " + i);
                    }
                    t[i] = System.nanoTime() - t0;
                }
                return t;
            } finally {
                worker.stop();
            }
        }
    }

    private static long pct(long[] nanos, double p) {
        long[] c = nanos.clone();
        Arrays.sort(c);
        return c[Math.max(0, Math.min(c.length - 1, (int) Math.ceil(p / 100 * c.length) - 1))];
    }

    private static void report(String what, long[] nanos) {
        System.out.printf(
                "%-9s n=%d  p50 %.3f ms  p90 %.3f ms  p99 %.3f ms%n",
                what, nanos.length, pct(nanos, 50) / 1e6, pct(nanos, 90) / 1e6, pct(nanos, 99) / 1e6);
    }
}
