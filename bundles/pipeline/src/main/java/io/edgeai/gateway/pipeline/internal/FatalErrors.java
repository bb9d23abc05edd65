package io.edgeai.gateway.pipeline.internal;

import java.util.function.IntConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway does when a thread it relies on hits an {@link Error}, above all an
 * {@link OutOfMemoryError}: one ERROR line in the log naming what happened and what to do, then the JVM halts
 * with exit status 3 (as {@code -XX:+ExitOnOutOfMemoryError} would) so the service manager starts a clean one,
 * instead of a gateway that limps on without its worker. {@code Runtime.halt} and not {@code System.exit}: the
 * shutdown hooks would stop every bundle in a heap that has no room left. A reserve of heap is let go first, so
 * that the line can be formatted and written when the heap is full; if even that fails, a message built in
 * advance goes to standard error.
 */
final class FatalErrors {
    private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);
    /** The exit status, that of {@code -XX:+ExitOnOutOfMemoryError}. */
    static final int EXIT_STATUS = 3;
    /** Halts the JVM. */
    static final IntConsumer HALT = status -> Runtime.getRuntime().halt(status);
    /** What to do, built in advance (no allocation needed to say it). */
    static final String ADVICE = "The gateway stops now (exit status 3) so that its service manager starts a clean "
            + "one. For an OutOfMemoryError raise the heap (JAVA_MAX_MEM, bin/setenv or the service's environment) or "
            + "lower maxSeries / seriesMemoryMegabytes of the pipelines (edgeai:pipelines shows their series)";

    private static final String FALLBACK = "EdgeAI Gateway: fatal error on a gateway thread. " + ADVICE;
    /** Heap let go before logging; 1 MB. */
    private static volatile byte[] reserve = new byte[1 << 20];

    private FatalErrors() {}

    /**
     * Logs the error and ends the JVM through {@code exit}.
     *
     * @param thread the thread's name
     * @param error what it hit
     * @param exit called with {@link #EXIT_STATUS}; {@link #HALT} in the gateway
     */
    static void handle(String thread, Throwable error, IntConsumer exit) {
        reserve = null;
        try {
            try {
                LOG.error("Fatal {} on thread {}. {}", error, thread, ADVICE, error);
            } catch (Throwable again) {
                LOG.error(FALLBACK);
            }
        } catch (Throwable noLog) {
            System.err.println(FALLBACK);
        } finally {
            exit.accept(EXIT_STATUS);
        }
    }

    /** @return whether the reserve is still held (tests) */
    static boolean reserveHeld() {
        return reserve != null;
    }
}
