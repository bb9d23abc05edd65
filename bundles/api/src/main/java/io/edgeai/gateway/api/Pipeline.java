package io.edgeai.gateway.api;

import org.osgi.annotation.versioning.ProviderType;

/** A running pipeline, registered with {@link EdgeAiConstants#PIPELINE_NAME}; exposes its status. */
@ProviderType
public interface Pipeline {
    /** @return the configured pipeline name */
    String name();

    /** @return a snapshot of counters and state */
    PipelineStatus status();
}
