package io.edgeai.gateway.onnx.internal;

import io.edgeai.gateway.api.ModelRunner;

/** A checked, warmed-up model the extender registers and later closes. */
interface LoadedModel extends ModelRunner, AutoCloseable {
    /** @return the service interfaces to register it under */
    default String[] serviceNames() {
        return new String[] {ModelRunner.class.getName()};
    }

    /** Waits for in-flight inferences, then frees native resources. Idempotent. */
    @Override
    void close();
}
