package io.edgeai.gateway.onnx.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
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
 * {@link #close()} waits for in-flight inferences and frees the native session.
 */
public final class OrtModelRunner implements LoadedModel {
    /** Per-thread direct input buffers (see {@link #inputBuffer}). */
    private final ThreadLocal<FloatBuffer> inputBuffers = new ThreadLocal<>();
    private final OrtEnvironment env;
    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    private final ModelInfo info;
    private final String inputName;
    private final String outputName;
    private final long[] rowShape;
    private final int rowSize;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final AtomicLong inferences = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** Latency of run() after warm-up (replaced once warm-up is done, so warm-up runs are not counted). */
    private volatile LatencyRecorder latency = new LatencyRecorder();
    private boolean closed;

    private OrtModelRunner(OrtEnvironment env, OrtSession session, OrtSession.SessionOptions options, ModelInfo info) {
        this.env = env;
        this.session = session;
        this.options = options;
        this.info = info;
        TensorSpec in = info.inputs().get(0);
        this.inputName = in.name();
        this.outputName = info.outputs().get(0).name();
        this.rowShape = in.shape().subList(1, in.shape().size()).stream().mapToLong(Long::longValue).toArray();
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
        String sha = model.sha256();
        if (!sha.equals(d.sha256())) {
            throw new ModelLoadException("checksum mismatch: descriptor says " + d.sha256() + ", file is " + sha);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        OrtSession session = null;
        try {
            opts.setIntraOpNumThreads(settings.intraOpThreads());
            opts.setInterOpNumThreads(settings.interOpThreads());
            SessionMemory.apply(opts);
            ExecutionProviders.Choice provider = ExecutionProviders.apply(opts, settings.providers(), d.name() + "@"
                    + d.version());
            session = model.open(env, opts);
            TensorCheck.check("input", d.inputs(), session.getInputInfo(), true);
            TensorCheck.check("output", d.outputs(), session.getOutputInfo(), false);
            ModelInfo info = new ModelInfo(d.name(), d.version(), d.description(), d.inputs(), d.outputs(),
                    RunnerSettings.runtimeProperties(d.properties(), settings, provider.fallback()), sha,
                    provider.provider(), source, System.currentTimeMillis(), d.labels());
            OrtModelRunner runner = new OrtModelRunner(env, session, opts, info);
            runner.selfTest(d.test(), settings.warmupRuns());
            return runner;
        } catch (OrtException e) {
            closeQuietly(session, opts);
            throw new ModelLoadException("ONNX Runtime refused the model: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session, opts);
            throw e instanceof ModelLoadException ? e : new ModelLoadException(e.getMessage(), e);
        }
    }

    private void selfTest(ModelDescriptor.TestVector test, int warmups) {
        if (test != null) {
            float[][] out = run(test.input());
            if (out.length != test.output().length) {
                throw new ModelLoadException("test vector: model returned " + out.length + " rows, expected "
                        + test.output().length);
            }
            for (int r = 0; r < out.length; r++) {
                if (out[r].length != test.output()[r].length) {
                    throw new ModelLoadException("test vector: output row has " + out[r].length
                            + " values, expected " + test.output()[r].length);
                }
                for (int c = 0; c < out[r].length; c++) {
                    double diff = Math.abs(out[r][c] - test.output()[r][c]);
                    if (!(diff <= test.tolerance())) {
                        throw new ModelLoadException("test vector mismatch at [" + r + "][" + c + "]: got "
                                + out[r][c] + ", expected " + test.output()[r][c]);
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
    public ModelInfo info() {
        return info;
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
                        + info.id() + " expects " + rowSize);
            }
        }
        lock.readLock().lock();
        try {
            if (closed) {
                throw new InferenceException("model " + info.id() + " is closed");
            }
            long start = System.nanoTime();
            float[][] out = infer(batch);
            latency.record(System.nanoTime() - start);
            inferences.addAndGet(batch.length);
            return out;
        } catch (OrtException e) {
            failures.incrementAndGet();
            throw new InferenceException("inference failed on " + info.id() + ": " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
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
            b = ByteBuffer.allocateDirect(Math.max(floats, 64) * Float.BYTES).order(ByteOrder.nativeOrder())
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
    public long inferenceCount() {
        return inferences.get();
    }

    @Override
    public long failureCount() {
        return failures.get();
    }

    @Override
    public LatencyHistogram inferenceLatency() {
        return latency.snapshot();
    }

    /** Waits for in-flight inferences, then frees the native session. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                closeQuietly(session, options);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** @return true once {@link #close()} has run */
    public boolean isClosed() {
        lock.readLock().lock();
        try {
            return closed;
        } finally {
            lock.readLock().unlock();
        }
    }

    private static void closeQuietly(OrtSession session, OrtSession.SessionOptions opts) {
        try {
            if (session != null) {
                session.close();
            }
        } catch (OrtException | RuntimeException e) {
            // nothing more can be freed; the caller already reports the failure
        }
        opts.close();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }
}
