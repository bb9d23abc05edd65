package io.edgeai.gateway.benchmarks;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.edgeai.gateway.tokenize.Encoding;
import io.edgeai.gateway.tokenize.Tokenizer;
import io.edgeai.gateway.tokenize.Tokenizers;

/**
 * Bare ONNX Runtime {@code session.run} on a shipped model, as a caller without the gateway would use it: one
 * intra-op thread (as the gateway runs models), inputs in direct native-order buffers made before the
 * measurement, outputs read and closed. Encoders get the tokenized texts the gateway's text pipeline gets
 * (round robin; a batch is padded to its longest text); float models get seeded random rows. Per invocation:
 * one batch of {@code batch} rows.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OrtRunBenchmark {
    /** System property: the JSON-lines file of texts for the encoders. */
    public static final String TEXTS = "edgeai.bench.texts";

    /** Model name, as in its descriptor. */
    @Param({"nab-ae"})
    public String model;

    /** Rows per {@code session.run}. */
    @Param({"1"})
    public int batch;

    private OrtEnvironment env;
    private OrtSession.SessionOptions options;
    private OrtSession session;
    private final List<Map<String, OnnxTensor>> inputs = new ArrayList<>();
    private int next;

    /** Opens the session and makes the inputs. */
    @Setup(Level.Trial)
    public void open() throws Exception {
        ShippedModels.Model m = ShippedModels.get(model);
        env = OrtEnvironment.getEnvironment();
        options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        session = env.createSession(m.file("file"), options);
        if (m.isEncoder()) {
            Tokenizer tok = Tokenizers.fromJson(new ByteArrayInputStream(m.file("tokenizer")));
            int maxLen = m.descriptor().path("properties").path("max.length").asInt(128);
            List<String> texts = ShippedModels.texts(Path.of(System.getProperty(TEXTS)), 256);
            for (int i = 0; i + batch <= texts.size() && inputs.size() < 64; i += batch) {
                List<Encoding> enc = new ArrayList<>();
                for (int j = 0; j < batch; j++) {
                    enc.add(tok.encode(texts.get(i + j), maxLen));
                }
                inputs.add(encoderInputs(enc, tok.padId()));
            }
        } else {
            Random r = new Random(7);
            NodeInfo in = session.getInputInfo().values().iterator().next();
            long[] shape = ((ai.onnxruntime.TensorInfo) in.getInfo()).getShape();
            int width = (int) shape[shape.length - 1];
            for (int k = 0; k < 8; k++) {
                FloatBuffer fb = ByteBuffer.allocateDirect(batch * width * 4)
                        .order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
                for (int i = 0; i < batch * width; i++) {
                    fb.put((float) r.nextGaussian());
                }
                fb.flip();
                inputs.add(Map.of(in.getName(), OnnxTensor.createTensor(env, fb, new long[] {batch, width})));
            }
        }
    }

    private Map<String, OnnxTensor> encoderInputs(List<Encoding> enc, int padId) throws Exception {
        int len = enc.stream().mapToInt(e -> e.ids().length).max().orElse(1);
        LongBuffer ids = longs(batch * len);
        LongBuffer mask = longs(batch * len);
        LongBuffer types = longs(batch * len);
        for (Encoding e : enc) {
            for (int i = 0; i < len; i++) {
                boolean real = i < e.ids().length;
                ids.put(real ? e.ids()[i] : padId);
                mask.put(real ? 1 : 0);
                types.put(real ? e.typeIds()[i] : 0);
            }
        }
        ids.flip();
        mask.flip();
        types.flip();
        long[] shape = {batch, len};
        Map<String, OnnxTensor> in = new HashMap<>();
        for (String name : session.getInputNames()) {
            LongBuffer b = name.contains("mask") ? mask : name.contains("type") ? types : ids;
            in.put(name, OnnxTensor.createTensor(env, b, shape));
        }
        return in;
    }

    private static LongBuffer longs(int n) {
        return ByteBuffer.allocateDirect(n * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /**
     * One {@code session.run} of one batch; reads the first output.
     *
     * @return a value of the output, so nothing is optimised away
     */
    @Benchmark
    public float run() throws Exception {
        Map<String, OnnxTensor> in = inputs.get(next);
        next = (next + 1) % inputs.size();
        try (OrtSession.Result r = session.run(in)) {
            FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
            return out.get(out.limit() - 1);
        }
    }

    /** Closes tensors, session and options. */
    @TearDown(Level.Trial)
    public void close() throws Exception {
        for (Map<String, OnnxTensor> m : inputs) {
            m.values().forEach(OnnxTensor::close);
        }
        inputs.clear();
        session.close();
        options.close();
    }
}
