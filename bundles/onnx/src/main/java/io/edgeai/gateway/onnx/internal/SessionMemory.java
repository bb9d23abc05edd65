package io.edgeai.gateway.onnx.internal;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * How every session the gateway opens uses native memory. An edge box runs a few small models for a long
 * time, so resident memory matters more than the last microsecond: the CPU arena allocator (which keeps the
 * largest activations ever seen, per session, for the life of the session) and memory patterns (a planned
 * block cached per input shape, and text encoders see many shapes) are off. Allocations go to the system
 * allocator and are returned after each run. Measured with {@code benchmarks/run} (docs/benchmarks.md).
 */
final class SessionMemory {
    private SessionMemory() {}

    /**
     * @param opts options of a session about to be created
     * @throws OrtException when ONNX Runtime refuses an option
     */
    static void apply(OrtSession.SessionOptions opts) throws OrtException {
        opts.setCPUArenaAllocator(false);
        opts.setMemoryPatternOptimization(false);
    }
}
