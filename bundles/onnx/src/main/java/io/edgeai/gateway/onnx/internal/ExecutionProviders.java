package io.edgeai.gateway.onnx.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;

/**
 * Adds the first usable execution provider of a preference list to the session options. A provider this ONNX
 * Runtime build lacks, or one that fails to initialise (no GPU, missing CUDA libraries), is skipped with the
 * reason; when none is left the session runs on CPU, which every build has.
 */
final class ExecutionProviders {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionProviders.class);

    /** Names accepted in a preference list, as written in the configuration. */
    static final List<String> KNOWN =
            List.of("CPU", "CUDA", "TENSORRT", "XNNPACK", "DNNL", "OPENVINO", "ROCM", "COREML", "NNAPI", "QNN");

    private ExecutionProviders() {}

    /**
     * What a session runs on.
     *
     * @param provider the provider in use, e.g. {@code CUDA} or {@code CPU}
     * @param fallback why earlier preferences were not used; empty when the first one was
     */
    record Choice(String provider, String fallback) {}

    /**
     * @param opts session options to add the provider to
     * @param preferences provider names in order of preference, case-insensitive (see {@link #KNOWN}); CPU is
     *        always the last resort
     * @param model model id, for the log
     * @return the provider in use and why others were skipped
     */
    static Choice apply(OrtSession.SessionOptions opts, List<String> preferences, String model) {
        EnumSet<OrtProvider> have = OrtEnvironment.getAvailableProviders();
        List<String> skipped = new ArrayList<>();
        for (String p : preferences) {
            String want = p.trim().toUpperCase(Locale.ROOT);
            if (want.equals("CPU")) {
                break;
            }
            OrtProvider provider = provider(want);
            if (provider == null) {
                skipped.add(want + " is not an execution provider name (known: " + String.join(", ", KNOWN) + ")");
                continue;
            }
            if (!have.contains(provider)) {
                skipped.add(want + " is not in this ONNX Runtime build (it has " + available() + ")");
                continue;
            }
            try {
                add(opts, provider);
                return done(new Choice(want, String.join("; ", skipped)), model);
            } catch (OrtException | RuntimeException e) {
                skipped.add(want + " failed to start: " + e.getMessage());
            }
        }
        return done(new Choice("CPU", String.join("; ", skipped)), model);
    }

    private static Choice done(Choice c, String model) {
        if (!c.fallback().isEmpty()) {
            LOG.warn("Model {} runs on {}: {}", model, c.provider(), c.fallback());
        }
        return c;
    }

    private static OrtProvider provider(String name) {
        return switch (name) {
            case "CUDA" -> OrtProvider.CUDA;
            case "TENSORRT" -> OrtProvider.TENSOR_RT;
            case "XNNPACK" -> OrtProvider.XNNPACK;
            case "DNNL" -> OrtProvider.DNNL;
            case "OPENVINO" -> OrtProvider.OPEN_VINO;
            case "ROCM" -> OrtProvider.ROCM;
            case "COREML" -> OrtProvider.CORE_ML;
            case "NNAPI" -> OrtProvider.NNAPI;
            case "QNN" -> OrtProvider.QNN;
            default -> null;
        };
    }

    private static void add(OrtSession.SessionOptions opts, OrtProvider p) throws OrtException {
        switch (p) {
            case CUDA -> opts.addCUDA(0);
            case TENSOR_RT -> opts.addTensorrt(0);
            case XNNPACK -> opts.addXnnpack(Map.of());
            case DNNL -> opts.addDnnl(true);
            case OPEN_VINO -> opts.addOpenVINO("");
            case ROCM -> opts.addROCM(0);
            case CORE_ML -> opts.addCoreML();
            case NNAPI -> opts.addNnapi();
            case QNN -> opts.addQnn(Map.of());
            default -> throw new IllegalArgumentException(p + " cannot be added");
        }
    }

    /** @return provider names of this ONNX Runtime build */
    static List<String> available() {
        List<String> names = new ArrayList<>();
        OrtEnvironment.getAvailableProviders().forEach(p -> names.add(p.name()));
        return names;
    }
}
