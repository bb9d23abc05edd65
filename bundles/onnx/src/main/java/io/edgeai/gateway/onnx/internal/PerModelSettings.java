package io.edgeai.gateway.onnx.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session settings per model name from the {@code edgeai.onnx} configuration: default thread counts and
 * provider list, overridden per model by {@code name=...} entries. A malformed entry is logged and ignored,
 * so one typo does not keep every model from loading.
 */
final class PerModelSettings {
    private static final Logger LOG = LoggerFactory.getLogger(PerModelSettings.class);

    private final RunnerSettings defaults;
    private final Map<String, String> providers;
    private final Map<String, int[]> threads;

    private PerModelSettings(RunnerSettings defaults, Map<String, String> providers, Map<String, int[]> threads) {
        this.defaults = defaults;
        this.providers = Map.copyOf(providers);
        this.threads = Map.copyOf(threads);
    }

    /**
     * @param intra default intra-op threads
     * @param inter default inter-op threads
     * @param warmupRuns warm-up inferences per model
     * @param providerEntries {@code LIST} or {@code name=LIST} entries (several per value separated by ';')
     * @param threadEntries {@code name=intra} or {@code name=intra/inter} entries (several per value separated
     *        by ';')
     * @return the parsed settings
     */
    static PerModelSettings of(int intra, int inter, int warmupRuns, String[] providerEntries, String[] threadEntries) {
        String defaultProviders = "CPU";
        Map<String, String> perModel = new HashMap<>();
        for (String e : entries(providerEntries)) {
            String entry = e.trim();
            int eq = entry.indexOf('=');
            if (entry.isEmpty()) {
                continue;
            } else if (eq < 0) {
                defaultProviders = entry;
            } else if (eq == 0 || eq == entry.length() - 1) {
                LOG.warn("Ignoring providers entry '{}': expected LIST or model-name=LIST", entry);
            } else {
                perModel.put(
                        entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
            }
        }
        Map<String, int[]> perModelThreads = new HashMap<>();
        for (String e : entries(threadEntries)) {
            String entry = e.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            try {
                if (eq <= 0) {
                    throw new IllegalArgumentException("no model name");
                }
                String[] counts = entry.substring(eq + 1).trim().split("/");
                int a = Integer.parseInt(counts[0].trim());
                int b = counts.length > 1 ? Integer.parseInt(counts[1].trim()) : inter;
                if (a < 1 || b < 1 || counts.length > 2) {
                    throw new IllegalArgumentException("counts must be at least 1");
                }
                perModelThreads.put(entry.substring(0, eq).trim(), new int[] {a, b});
            } catch (IllegalArgumentException ex) {
                LOG.warn(
                        "Ignoring threads entry '{}': expected model-name=intra or model-name=intra/inter ({})",
                        entry,
                        ex.getMessage());
            }
        }
        return new PerModelSettings(
                new RunnerSettings(Math.max(1, intra), Math.max(1, inter), defaultProviders, Math.max(0, warmupRuns)),
                perModel,
                perModelThreads);
    }

    /** Entries of a multi-value property; one value may hold several separated by ';' (a .cfg file has no arrays). */
    private static List<String> entries(String[] values) {
        List<String> all = new ArrayList<>();
        for (String v : values) {
            all.addAll(List.of(v.split(";")));
        }
        return all;
    }

    static PerModelSettings of(OnnxRuntimeConfig c) {
        return of(c.intra_op_threads(), c.inter_op_threads(), c.warmupRuns(), c.providers(), c.threads());
    }

    /**
     * @param model model name
     * @return the session settings for it
     */
    RunnerSettings forModel(String model) {
        int[] t = threads.get(model);
        return new RunnerSettings(
                t == null ? defaults.intraOpThreads() : t[0],
                t == null ? defaults.interOpThreads() : t[1],
                providers.getOrDefault(model, defaults.provider()),
                defaults.warmupRuns());
    }
}
