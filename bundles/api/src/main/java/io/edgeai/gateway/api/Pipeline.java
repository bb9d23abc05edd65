package io.edgeai.gateway.api;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** A running pipeline, registered with {@link EdgeAiConstants#PIPELINE_NAME}; exposes its status. */
@ProviderType
public interface Pipeline {
    /** @return the configured pipeline name */
    String name();

    /** @return a snapshot of counters and state */
    PipelineStatus status();

    /**
     * Latency of each stage the pipeline runs, by stage name (e.g. {@code decode}, {@code infer},
     * {@code decide}, {@code publish}, and {@code total} from receipt to publish).
     *
     * @return histograms by stage; empty when the pipeline does not measure its stages
     * @since 1.1
     */
    default Map<String, LatencyHistogram> stageLatencies() {
        return Map.of();
    }

    /**
     * Rejected inputs by reason code (the {@code code} of the dead letter, e.g. {@code oversize}).
     *
     * @return counts by code; empty when the pipeline does not break rejections down
     * @since 1.1
     */
    default Map<String, Long> rejectedByCode() {
        return Map.of();
    }

    /**
     * @return how shadow candidates compared with the serving models on this pipeline's readings, one entry
     *         per candidate seen since the pipeline started; empty for pipelines without shadow scoring
     */
    default java.util.List<ShadowComparison> shadowComparisons() {
        return java.util.List.of();
    }

    /**
     * @return what the pipeline sends up its uplink (alarms, evidence windows, summaries), empty when it has no
     *         uplink
     * @since 1.10
     */
    default java.util.Optional<UplinkStatus> uplink() {
        return java.util.Optional.empty();
    }

    /**
     * Asks for the recent raw readings of one series (on-demand detail). The pipeline serves the request on its
     * own worker thread, between inputs, so the series' state is never read concurrently.
     *
     * @param series {@code <device>/<quantity>}, as in the pipeline's uplink topics
     * @return completes with the readings kept; completes exceptionally with an {@link IllegalArgumentException}
     *         for a series the pipeline does not hold, or an {@link IllegalStateException} when it keeps no history
     *         (no uplink, {@code uplinkHistory} 0), is not running or is busy with other requests
     * @since 1.11
     */
    default java.util.concurrent.CompletionStage<SeriesHistory> recentValues(String series) {
        return java.util.concurrent.CompletableFuture.failedFuture(
                new IllegalStateException("pipeline " + name() + " keeps no history of raw readings"));
    }
}
