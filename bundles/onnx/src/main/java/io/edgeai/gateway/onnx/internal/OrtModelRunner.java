package io.edgeai.gateway.onnx.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.edgeai.gateway.api.InferenceException;
import io.edgeai.gateway.api.LatencyHistogram;
import io.edgeai.gateway.api.LatencyRecorder;
import io.edgeai.gateway.api.ModelInfo;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.TensorSpec;

/**
 * A {@link ModelRunner} over one {@link OrtSession}. Loading checks the checksum, the tensor names and
 * shapes against the descriptor and the test vector, then warms up; only then is the runner returned.
 * {@link #close()} waits for in-flight inferences and frees the native session ({@link OrtSessionModel}).
 */
public final class OrtModelRunner extends OrtSessionModel {
    /** Per-thread direct input buffers (see {@link #inputBuffer}). */
    private final ThreadLocal<FloatBuffer> inputBuffers = new ThreadLocal<>();

    private final String inputName;
    private final String outputName;
    private final long[] rowShape;
    private final int rowSize;
    /** Latency of run() after warm-up (replaced once warm-up is done, so warm-up runs are not counted). */
    private volatile LatencyRecorder latency = new LatencyRecorder();

    private OrtModelRunner(Opened opened) {
        super(opened);
        ModelInfo info = opened.info();
        TensorSpec in = info.inputs().get(0);
        this.inputName = in.name();
        this.outputName = info.outputs().get(0).name();
        this.rowShape = in.shape().subList(1, in.shape().size()).stream()
                .mapToLong(Long::longValue)
                .toArray();
        this.rowSize = (int) in.rowSize();
    }

    /**
     * Loads a model from a descriptor file with default settings; the ONNX file is resolved next to it.
     *
     * @param descriptorJson path of the descriptor
     * @return a checked, warmed-up runner
     * @throws ModelLoadException when the model is refused
     */
    public static OrtModelRunner load(Path descriptorJson) {
        ModelDescriptor d;
        try (InputStream in = Files.newInputStream(descriptorJson)) {
            d = DescriptorReader.read(in);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read descriptor " + descriptorJson + ": " + e.getMessage(), e);
        }
        Path file = descriptorJson.resolveSibling(d.file());
        try {
            return load(d, Files.readAllBytes(file), RunnerSettings.DEFAULT, file.toString());
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates, checks and warms up a session.
     *
     * @param d the descriptor
     * @param model the ONNX file's bytes
     * @param settings session settings
     * @param source where the model came from, for operators
     * @return a runner ready for traffic
     * @throws ModelLoadException when the model is refused; nothing stays allocated then
     */
    public static OrtModelRunner load(ModelDescriptor d, byte[] model, RunnerSettings settings, String source) {
        return load(d, ModelSource.of(model), settings, source);
    }

    /**
     * Creates, checks and warms up a session.
     *
     * @param d the descriptor
     * @param model the ONNX file, in memory or on disk
     * @param settings session settings
     * @param source where the model came from, for operators
     * @return a runner ready for traffic
     * @throws ModelLoadException when the model is refused; nothing stays allocated then
     */
    static OrtModelRunner load(ModelDescriptor d, ModelSource model, RunnerSettings settings, String source) {
        String sha = verifiedSha256(d, model);
        return open(
                d, model, sha, settings, source, OrtModelRunner::new, r -> r.selfTest(d.test(), settings.warmupRuns()));
    }

    private void selfTest(ModelDescriptor.TestVector test, int warmups) {
        if (test != null) {
            float[][] out = run(test.input());
            if (out.length != test.output().length) {
                throw new ModelLoadException(
                        "test vector: model returned " + out.length + " rows, expected " + test.output().length);
            }
            for (int r = 0; r < out.length; r++) {
                if (out[r].length != test.output()[r].length) {
                    throw new ModelLoadException("test vector: output row has " + out[r].length + " values, expected "
                            + test.output()[r].length);
                }
                for (int c = 0; c < out[r].length; c++) {
                    double diff = Math.abs(out[r][c] - test.output()[r][c]);
                    if (!(diff <= test.tolerance())) {
                        throw new ModelLoadException("test vector mismatch at [" + r + "][" + c + "]: got " + out[r][c]
                                + ", expected " + test.output()[r][c]);
                    }
                }
            }
        }
        float[][] zeros = new float[1][rowSize];
        for (int i = 0; i < warmups; i++) {
            run(zeros);
        }
        inferences.set(0);
        latency = new LatencyRecorder();
    }

    @Override
    public float[][] run(float[][] batch) {
        if (batch == null || batch.length == 0) {
            throw new InferenceException("empty batch");
        }
        for (float[] row : batch) {
            if (row == null || row.length != rowSize) {
                failures.incrementAndGet();
                throw new InferenceException("input row has " + (row == null ? 0 : row.length) + " values, model "
                        + info().id() + " expects " + rowSize);
            }
        }
        try {
            return inSession(() -> {
                long start = System.nanoTime();
                float[][] out = infer(batch);
                latency.record(System.nanoTime() - start);
                inferences.addAndGet(batch.length);
                return out;
            });
        } catch (OrtException e) {
            failures.incrementAndGet();
            throw new InferenceException("inference failed on " + info().id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The calling thread's direct input buffer, at least {@code floats} long, cleared and limited to it.
     * Allocating a direct buffer per call cost more than the anomaly model's whole {@code session.run}; the
     * tensor that wraps it is closed before the call returns, so the thread can reuse it next time.
     */
    private FloatBuffer inputBuffer(int floats) {
        FloatBuffer b = inputBuffers.get();
        if (b == null || b.capacity() < floats) {
            b = ByteBuffer.allocateDirect(Math.max(floats, 64) * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            inputBuffers.set(b);
        }
        b.clear();
        b.limit(floats);
        return b;
    }

    private float[][] infer(float[][] batch) throws OrtException {
        FloatBuffer buf = inputBuffer(batch.length * rowSize);
        for (float[] row : batch) {
            buf.put(row);
        }
        buf.rewind();
        long[] shape = new long[rowShape.length + 1];
        shape[0] = batch.length;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, buf, shape);
                OrtSession.Result result = session.run(Map.of(inputName, tensor), Set.of(outputName))) {
            OnnxTensor out = (OnnxTensor) result.get(0);
            FloatBuffer fb = out.getFloatBuffer();
            int outRow = fb.remaining() / batch.length;
            float[][] rows = new float[batch.length][outRow];
            for (float[] r : rows) {
                fb.get(r);
            }
            return rows;
        }
    }

    @Override
    public LatencyHistogram inferenceLatency() {
        return latency.snapshot();
    }
}
