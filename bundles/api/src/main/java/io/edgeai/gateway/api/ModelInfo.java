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
 * @param properties descriptor properties (window size, normalisation, default thresholds...)
 * @param sha256 hex SHA-256 of the ONNX file
 * @param provider execution provider in use, e.g. {@code CPU}
 * @param source where the model came from, e.g. a bundle location
 * @param loadedAtMillis wall-clock time the session was created
 */
public record ModelInfo(String name, String version, String description, List<TensorSpec> inputs,
        List<TensorSpec> outputs, Map<String, String> properties, String sha256, String provider, String source,
        long loadedAtMillis) {
    /** Validates and copies collections. */
    public ModelInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        description = description == null ? "" : description;
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        properties = Map.copyOf(properties);
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
