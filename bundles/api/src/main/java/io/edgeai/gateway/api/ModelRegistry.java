package io.edgeai.gateway.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The runtime's view of every model bundle it has seen, loaded or refused. */
@ProviderType
public interface ModelRegistry {
    /** @return one entry per model version found, sorted by name then version */
    List<ModelState> models();

    /** @return names of the execution providers this ONNX Runtime build offers */
    List<String> availableProviders();
}
