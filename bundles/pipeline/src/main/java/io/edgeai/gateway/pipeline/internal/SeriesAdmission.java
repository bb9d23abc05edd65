package io.edgeai.gateway.pipeline.internal;

import java.util.function.IntSupplier;

/**
 * Whether a pipeline takes one more series, checked when a reading of a new series arrives: the series count
 * ({@code maxSeries}), the estimated heap of the series' state ({@code seriesMemoryMegabytes}: series x the
 * estimated bytes per series) and the heap left after the last collection ({@code seriesHeapPercent}). A
 * refusal is a {@code too-many-series} dead letter whose reason names the limit; the series already kept go on.
 */
final class SeriesAdmission {
    /** Refusal kinds, for logging each once. */
    enum Limit {
        /** {@code maxSeries}. */
        COUNT,
        /** {@code seriesMemoryMegabytes}. */
        MEMORY,
        /** {@code seriesHeapPercent}. */
        HEAP
    }

    /** A refusal: the limit and the dead letter's reason. */
    record Refusal(Limit limit, String reason) {}

    private final IntSupplier heapUsedAfterGcPercent;

    /** @param heapUsedAfterGcPercent percent of the maximum heap in use after the last collection */
    SeriesAdmission(IntSupplier heapUsedAfterGcPercent) {
        this.heapUsedAfterGcPercent = heapUsedAfterGcPercent;
    }

    /**
     * @param s the pipeline's settings
     * @param series series kept now
     * @param bytesPerSeries estimated bytes of one series (0: not measured yet)
     * @param keptBytes estimated bytes of everything kept per series now (shadow states included)
     * @return null to admit the new series, otherwise why not
     */
    Refusal check(PipelineSettings s, int series, long bytesPerSeries, long keptBytes) {
        if (series >= s.maxSeries()) {
            return new Refusal(Limit.COUNT, "pipeline already tracks " + s.maxSeries() + " series (maxSeries)");
        }
        long budget = s.seriesMemoryMegabytes() * 1024L * 1024L;
        if (keptBytes + bytesPerSeries > budget) {
            return new Refusal(
                    Limit.MEMORY,
                    "series state would exceed seriesMemoryMegabytes " + s.seriesMemoryMegabytes()
                            + " (" + series + " series of ~" + kb(bytesPerSeries)
                            + " KB estimated); raise it with the heap "
                            + "(JAVA_MAX_MEM) or lower maxSeries");
        }
        if (s.seriesHeapPercent() < 100) {
            int used = heapUsedAfterGcPercent.getAsInt();
            if (used > s.seriesHeapPercent()) {
                return new Refusal(
                        Limit.HEAP,
                        "heap in use after the last garbage collection is " + used
                                + " % of the maximum, above seriesHeapPercent " + s.seriesHeapPercent() + " (" + series
                                + " series kept); raise the heap (JAVA_MAX_MEM) or lower maxSeries / seriesMemoryMegabytes");
            }
        }
        return null;
    }

    private static long kb(long bytes) {
        return (bytes + 512) / 1024;
    }
}
