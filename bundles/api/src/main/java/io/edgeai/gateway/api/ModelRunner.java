package io.edgeai.gateway.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A loaded model ready for inference. Registered as a service with {@link EdgeAiConstants#MODEL_NAME}
 * and {@link EdgeAiConstants#MODEL_VERSION}; thread-safe. Models with one float input and one float
 * output are run with {@link #run(float[][])}.
 */
@ProviderType
public interface ModelRunner {
    /** @return identity, tensors and properties of this model */
    ModelInfo info();

    /**
     * Runs a batch through the model's first input and returns its first output.
     *
     * @param batch one row per item, each of {@link TensorSpec#rowSize()} of the first input
     * @return one row per item of the first output
     * @throws InferenceException when the input does not fit or the runtime fails
     */
    float[][] run(float[][] batch);

    /**
     * Runs a single item.
     *
     * @param input one row of the first input
     * @return the first output's row
     * @throws InferenceException when the input does not fit or the runtime fails
     */
    default float[] run(float[] input) {
        return run(new float[][] {input})[0];
    }

    /** @return inferences run since load, for status displays */
    long inferenceCount();

    /** @return failed inferences since load */
    long failureCount();

    /**
     * @return latency of {@link #run(float[][])} calls since load; empty when the runner does not measure it
     * @since 1.1
     */
    default LatencyHistogram inferenceLatency() {
        return LatencyHistogram.EMPTY;
    }
}
