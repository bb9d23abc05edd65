package io.edgeai.gateway.onnx.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model extender's one loader thread: every load, every change of roles and every operator command runs
 * on it, one after another, so the extender's state needs no lock.
 */
final class LoaderThread {
    private static final Logger LOG = LoggerFactory.getLogger(LoaderThread.class);
    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    private final ScheduledExecutorService executor =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "edgeai-model-loader"));

    /** Runs a task after those queued. */
    void execute(Runnable task) {
        executor.execute(task);
    }

    /** Runs a task after a delay. */
    void schedule(Runnable task, long delayMillis) {
        executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs an operator's command and waits for its answer (at most {@value #COMMAND_TIMEOUT_SECONDS} s).
     *
     * @throws RuntimeException what the command threw, or an {@link IllegalStateException} on timeout
     */
    <T> T call(Callable<T> task) {
        try {
            return executor.submit(task).get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("model loader busy for more than " + COMMAND_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** Runs a last task, then stops (waiting up to 30 s for what is queued). */
    void stopAfter(Runnable last) {
        executor.execute(last);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Model loader did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
