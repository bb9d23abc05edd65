package io.edgeai.gateway.pipeline.internal;

import java.util.function.Supplier;

import io.edgeai.gateway.api.InferenceException;
import io.edgeai.gateway.api.ModelInfo;
import io.edgeai.gateway.api.ModelRunner;

/**
 * The model a reading is scored with. Runs on the runner the pipeline held when the reading started; when a
 * swap closed that runner in the meantime, runs once more on its successor, so a swap never costs a
 * reading, and remembers which runner produced the output so the result names it. The scorer updates a
 * series' state once per reading, before inference: retrying here rather than around the scorer keeps
 * that state right. Worker thread only.
 */
final class SwapSafeModel implements ModelRunner {
    private final Supplier<ModelRunner> source;
    private ModelRunner used;

    SwapSafeModel(Supplier<ModelRunner> source) {
        this.source = source;
    }

    /** @param first the runner to start with */
    void begin(ModelRunner first) {
        used = first;
    }

    /** @return the runner that produced the last output */
    ModelRunner used() {
        return used;
    }

    @Override
    public ModelInfo info() {
        return used.info();
    }

    @Override
    public float[][] run(float[][] batch) {
        try {
            return used.run(batch);
        } catch (InferenceException e) {
            ModelRunner next = source.get();
            if (next == null || next == used) {
                throw e;
            }
            used = next;
            return next.run(batch);
        }
    }

    @Override
    public long inferenceCount() {
        return used.inferenceCount();
    }

    @Override
    public long failureCount() {
        return used.failureCount();
    }
}
