package io.edgeai.gateway.pipeline.internal.uplink;

/**
 * The open summary period on the gateway's clock. Periods end on multiples of their length since the epoch, so
 * every gateway's summaries line up; the first one starts when the uplink does. Worker thread only.
 */
final class Period {
    private long start = -1;
    private long end;

    /**
     * Starts the first period if none is open.
     *
     * @param now the gateway's time
     * @param length the period's length in milliseconds
     * @return true when it started one now
     */
    boolean begin(long now, long length) {
        if (start >= 0) {
            return false;
        }
        start = now;
        end = boundaryAfter(now, length);
        return true;
    }

    /**
     * Opens the next period after the one that ended (one longer than the length when the worker was held up).
     *
     * @param now the gateway's time, at or after {@link #end()}
     * @param length the period's length in milliseconds
     */
    void next(long now, long length) {
        start = end;
        end = boundaryAfter(now, length);
    }

    /** No period is open (the uplink was turned off). */
    void reset() {
        start = -1;
    }

    /** @return when the open period started */
    long start() {
        return start;
    }

    /** @return when it ends */
    long end() {
        return end;
    }

    private static long boundaryAfter(long now, long length) {
        return (now / length + 1) * length;
    }
}
