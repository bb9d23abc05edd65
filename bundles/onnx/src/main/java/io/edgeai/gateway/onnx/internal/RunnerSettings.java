package io.edgeai.gateway.onnx.internal;

/**
 * How sessions are created.
 *
 * @param intraOpThreads threads inside one operator
 * @param interOpThreads threads across operators
 * @param provider requested execution provider ({@code CPU}, {@code CUDA}...); falls back to CPU
 * @param warmupRuns inferences run before the model takes traffic
 */
public record RunnerSettings(int intraOpThreads, int interOpThreads, String provider, int warmupRuns) {
    /** Defaults fit for a small box: one thread each, CPU, three warm-up runs. */
    public static final RunnerSettings DEFAULT = new RunnerSettings(1, 1, "CPU", 3);
}
