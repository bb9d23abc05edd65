package io.edgeai.gateway.onnx.internal;

import java.util.List;
import java.util.Map;

import io.edgeai.gateway.api.TensorSpec;

/**
 * The JSON descriptor a model bundle carries next to its {@code .onnx} file.
 *
 * @param name model name
 * @param version model version
 * @param description one line for operators
 * @param file path of the ONNX file, relative to the descriptor
 * @param sha256 expected hex SHA-256 of the ONNX file
 * @param inputs expected input tensors
 * @param outputs expected output tensors
 * @param properties free-form parameters for the pipeline (window size, thresholds...)
 * @param test optional test vector checked before the model takes traffic
 * @param labels class or tag names of the outputs (classifier heads), empty when none
 * @param tokenizer path of a {@code tokenizer.json} relative to the descriptor (text encoders), or null
 * @param testText text whose tokenization must equal the test vector's first input row (text encoders),
 *        or null
 */
public record ModelDescriptor(
        String name,
        String version,
        String description,
        String file,
        String sha256,
        List<TensorSpec> inputs,
        List<TensorSpec> outputs,
        Map<String, String> properties,
        TestVector test,
        List<String> labels,
        String tokenizer,
        String testText) {

    /** Copies the labels. */
    public ModelDescriptor {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    /**
     * A descriptor of a plain (non-text) model without labels.
     *
     * @param name model name
     * @param version model version
     * @param description one line for operators
     * @param file path of the ONNX file, relative to the descriptor
     * @param sha256 expected hex SHA-256 of the ONNX file
     * @param inputs expected input tensors
     * @param outputs expected output tensors
     * @param properties free-form parameters for the pipeline
     * @param test optional test vector
     */
    public ModelDescriptor(
            String name,
            String version,
            String description,
            String file,
            String sha256,
            List<TensorSpec> inputs,
            List<TensorSpec> outputs,
            Map<String, String> properties,
            TestVector test) {
        this(name, version, description, file, sha256, inputs, outputs, properties, test, List.of(), null, null);
    }

    /** @return true when the model is a text encoder that brings its own tokenizer */
    public boolean isTextEncoder() {
        return tokenizer != null;
    }

    /**
     * A known input and the output the model must produce for it.
     *
     * @param input input rows
     * @param output expected output rows
     * @param tolerance largest allowed absolute difference per element
     */
    public record TestVector(float[][] input, float[][] output, double tolerance) {}
}
