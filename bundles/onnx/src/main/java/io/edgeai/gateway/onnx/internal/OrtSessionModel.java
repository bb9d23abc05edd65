package io.edgeai.gateway.onnx.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.edgeai.gateway.api.InferenceException;
import io.edgeai.gateway.api.ModelInfo;

/**
 * The lifecycle every model over one {@link OrtSession} shares: opening it with the gateway's options (threads,
 * {@link SessionMemory}, {@link ExecutionProviders}), checking its tensors against the descriptor, the
 * subclass's self test, and the close after a hot swap. Calls run under a read lock ({@link #inSession});
 * {@link #close} takes the write lock, so it waits for in-flight calls before it frees the native session, and
 * a call after it fails cleanly. Subclasses have only their own run path; each closes its own tensors and
 * results (try-with-resources).
 */
public abstract class OrtSessionModel implements LoadedModel {
    /**
     * A session just opened and checked.
     *
     * @param env the environment (the ORT bundle's, one per JVM)
     * @param session the session
     * @param options its options, freed with it
     * @param info what the model says about itself, with the provider it got
     */
    record Opened(OrtEnvironment env, OrtSession session, OrtSession.SessionOptions options, ModelInfo info) {}

    /** A call on the open session. */
    @FunctionalInterface
    protected interface SessionCall<T> {
        T run() throws OrtException;
    }

    protected final OrtEnvironment env;
    protected final OrtSession session;
    private final OrtSession.SessionOptions options;
    private final ModelInfo info;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    protected final AtomicLong inferences = new AtomicLong();
    protected final AtomicLong failures = new AtomicLong();
    private boolean closed;

    OrtSessionModel(Opened opened) {
        this.env = opened.env();
        this.session = opened.session();
        this.options = opened.options();
        this.info = opened.info();
    }

    /**
     * @return the file's checksum, the one the descriptor declares
     * @throws ModelLoadException when they differ
     */
    static String verifiedSha256(ModelDescriptor d, ModelSource model) {
        String sha = model.sha256();
        if (!sha.equals(d.sha256())) {
            throw new ModelLoadException("checksum mismatch: descriptor says " + d.sha256() + ", file is " + sha);
        }
        return sha;
    }

    /**
     * Opens and checks a session, creates the model over it and runs the model's self test (test vector,
     * warm-up); only then is the model returned.
     *
     * @param d the descriptor
     * @param model the ONNX file, its checksum verified ({@code sha})
     * @param settings session settings
     * @param source where the model came from, for operators
     * @param create makes the model over the opened session
     * @param selfTest checks and warms up the model; throws to refuse it
     * @return a model ready for traffic
     * @throws ModelLoadException when the model is refused; nothing stays allocated then
     */
    static <M extends OrtSessionModel> M open(
            ModelDescriptor d,
            ModelSource model,
            String sha,
            RunnerSettings settings,
            String source,
            Function<Opened, M> create,
            Consumer<M> selfTest) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        OrtSession session = null;
        try {
            opts.setIntraOpNumThreads(settings.intraOpThreads());
            opts.setInterOpNumThreads(settings.interOpThreads());
            SessionMemory.apply(opts);
            ExecutionProviders.Choice provider =
                    ExecutionProviders.apply(opts, settings.providers(), d.name() + "@" + d.version());
            session = model.open(env, opts);
            TensorCheck.check("input", d.inputs(), session.getInputInfo(), true);
            TensorCheck.check("output", d.outputs(), session.getOutputInfo(), false);
            ModelInfo info = new ModelInfo(
                    d.name(),
                    d.version(),
                    d.description(),
                    d.inputs(),
                    d.outputs(),
                    RunnerSettings.runtimeProperties(d.properties(), settings, provider.fallback()),
                    sha,
                    provider.provider(),
                    source,
                    System.currentTimeMillis(),
                    d.labels());
            M m = create.apply(new Opened(env, session, opts, info));
            selfTest.accept(m);
            return m;
        } catch (OrtException e) {
            closeQuietly(session, opts);
            throw new ModelLoadException("ONNX Runtime refused the model: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session, opts);
            throw e instanceof ModelLoadException ? e : new ModelLoadException(e.getMessage(), e);
        }
    }

    /**
     * Runs a call on the session unless it is closed; a close waits for it.
     *
     * @throws InferenceException when the model is closed
     * @throws OrtException what the session threw
     */
    protected final <T> T inSession(SessionCall<T> call) throws OrtException {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new InferenceException("model " + info.id() + " is closed");
            }
            return call.run();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public long inferenceCount() {
        return inferences.get();
    }

    @Override
    public long failureCount() {
        return failures.get();
    }

    /** Waits for in-flight calls, then frees the native session. Idempotent. */
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
