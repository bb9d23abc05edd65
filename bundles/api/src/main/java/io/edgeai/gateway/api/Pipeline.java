package io.edgeai.gateway.api;

import org.osgi.annotation.versioning.ProviderType;

/** A running pipeline, registered with {@link EdgeAiConstants#PIPELINE_NAME}; exposes its status. */
@ProviderType
public interface Pipeline {
    /** @return the configured pipeline name */
    String name();

    /** @return a snapshot of counters and state */
    PipelineStatus status();

    /**
     * @return how shadow candidates compared with the serving models on this pipeline's readings, one entry
     *         per candidate seen since the pipeline started; empty for pipelines without shadow scoring
     */
    default java.util.List<ShadowComparison> shadowComparisons() {
        return java.util.List.of();
    }
}
