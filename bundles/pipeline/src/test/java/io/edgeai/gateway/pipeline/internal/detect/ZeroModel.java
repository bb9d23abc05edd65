package io.edgeai.gateway.pipeline.internal.detect;

import java.util.Arrays;

import io.edgeai.gateway.api.ModelInfo;
import io.edgeai.gateway.api.ModelRunner;

/**
 * Test stand-in for a model: reconstructs every window as zeros, so the error is the window's mean square (it
 * varies with the data, like a real reconstruction error) and no ONNX Runtime is needed for long runs.
 */
final class ZeroModel implements ModelRunner {
    private final float[] zeros;
    private long runs;

    ZeroModel(int window) {
        zeros = new float[window];
    }

    @Override
    public ModelInfo info() {
        throw new UnsupportedOperationException("a stand-in has no descriptor");
    }

    @Override
    public float[][] run(float[][] batch) {
        runs += batch.length;
        float[][] out = new float[batch.length][];
        Arrays.fill(out, zeros);
        return out;
    }

    @Override
    public long inferenceCount() {
        return runs;
    }

    @Override
    public long failureCount() {
        return 0;
    }
}
