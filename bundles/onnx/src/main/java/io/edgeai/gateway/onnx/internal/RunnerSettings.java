package io.edgeai.gateway.onnx.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.edgeai.gateway.api.ModelInfo;

/**
 * How the sessions of one model are created.
 *
 * @param intraOpThreads threads inside one operator
 * @param interOpThreads threads across operators
 * @param provider execution providers in order of preference, comma-separated ({@code CUDA,CPU}); the first
 *        this build has and that starts is used, CPU is the last resort
 * @param warmupRuns inferences run before the model takes traffic
 */
public record RunnerSettings(int intraOpThreads, int interOpThreads, String provider, int warmupRuns) {
    /** Defaults fit for a small box: one thread each, CPU, three warm-up runs. */
    public static final RunnerSettings DEFAULT = new RunnerSettings(1, 1, "CPU", 3);

    /** Checks the thread counts. */
    public RunnerSettings {
        if (intraOpThreads < 1 || interOpThreads < 1) {
            throw new IllegalArgumentException("thread counts must be at least 1");
        }
        provider = provider == null || provider.isBlank() ? "CPU" : provider.trim();
    }

    /**
     * @param descriptor the descriptor's properties
     * @param settings the session's settings
     * @param fallback why preferred providers were skipped, empty when none was
     * @return the descriptor's properties with what the runtime chose ({@code runtime.*} keys of ModelInfo)
     */
    static Map<String, String> runtimeProperties(
            Map<String, String> descriptor, RunnerSettings settings, String fallback) {
        Map<String, String> all = new HashMap<>(descriptor);
        all.put(ModelInfo.RUNTIME_THREADS, settings.intraOpThreads() + "/" + settings.interOpThreads());
        if (!fallback.isEmpty()) {
            all.put(ModelInfo.RUNTIME_PROVIDER_FALLBACK, fallback);
        }
        return all;
    }

    /** @return the provider preferences as a list */
    public List<String> providers() {
        return List.of(provider.split("\\s*,\\s*"));
    }
}
