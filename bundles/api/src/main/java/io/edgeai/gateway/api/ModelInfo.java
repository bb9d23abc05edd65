package io.edgeai.gateway.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a loaded model is: identity, tensors, descriptor properties, and where it runs.
 *
 * @param name model name, stable across versions
 * @param version model version (OSGi version syntax)
 * @param description one line for operators
 * @param inputs input tensors, in graph order
 * @param outputs output tensors, in graph order
 * @param properties descriptor properties (window size, normalisation, default thresholds...), plus what the
 *        runtime chose under {@code runtime.*} keys ({@link #RUNTIME_PROVIDER_FALLBACK},
 *        {@link #RUNTIME_THREADS})
 * @param sha256 hex SHA-256 of the ONNX file
 * @param provider execution provider in use, e.g. {@code CPU} or {@code CUDA}
 * @param source where the model came from, e.g. a bundle location
 * @param loadedAtMillis wall-clock time the session was created
 * @param labels class or tag names of a classifier's outputs, in output order; empty for other models
 */
public record ModelInfo(
        String name,
        String version,
        String description,
        List<TensorSpec> inputs,
        List<TensorSpec> outputs,
        Map<String, String> properties,
        String sha256,
        String provider,
        String source,
        long loadedAtMillis,
        List<String> labels) {
    /**
     * Property: why the execution providers preferred before {@link #provider()} were not used (e.g.
     * {@code CUDA is not in this ONNX Runtime build}); absent when the first preference runs.
     *
     * @since 1.3
     */
    public static final String RUNTIME_PROVIDER_FALLBACK = "runtime.provider.fallback";
    /**
     * Property: the session's intra-op and inter-op thread counts as {@code intra/inter}.
     *
     * @since 1.3
     */
    public static final String RUNTIME_THREADS = "runtime.threads";

    /** Validates and copies collections. */
    public ModelInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        description = description == null ? "" : description;
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        properties = Map.copyOf(properties);
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    /**
     * A model without labels.
     *
     * @param name model name, stable across versions
     * @param version model version (OSGi version syntax)
     * @param description one line for operators
     * @param inputs input tensors, in graph order
     * @param outputs output tensors, in graph order
     * @param properties descriptor properties
     * @param sha256 hex SHA-256 of the ONNX file
     * @param provider execution provider in use
     * @param source where the model came from
     * @param loadedAtMillis wall-clock time the session was created
     */
    public ModelInfo(
            String name,
            String version,
            String description,
            List<TensorSpec> inputs,
            List<TensorSpec> outputs,
            Map<String, String> properties,
            String sha256,
            String provider,
            String source,
            long loadedAtMillis) {
        this(
                name,
                version,
                description,
                inputs,
                outputs,
                properties,
                sha256,
                provider,
                source,
                loadedAtMillis,
                List.of());
    }

    /**
     * @param key property name
     * @param fallback value when the descriptor has none
     * @return the property as text
     */
    public String property(String key, String fallback) {
        return properties.getOrDefault(key, fallback);
    }

    /**
     * @return why preferred execution providers were skipped for {@link #provider()}; empty when none was
     * @since 1.3
     */
    public String providerFallback() {
        return properties.getOrDefault(RUNTIME_PROVIDER_FALLBACK, "");
    }

    /** @return {@code name@version}, the form results carry */
    public String id() {
        return name + "@" + version;
    }

    /**
     * @param key property name
     * @param fallback value when the descriptor has none
     * @return the property as a double
     */
    public double doubleProperty(String key, double fallback) {
        String v = properties.get(key);
        return v == null ? fallback : Double.parseDouble(v);
    }

    /**
     * @param key property name
     * @param fallback value when the descriptor has none
     * @return the property as an int
     */
    public int intProperty(String key, int fallback) {
        String v = properties.get(key);
        return v == null ? fallback : Integer.parseInt(v);
    }
}
