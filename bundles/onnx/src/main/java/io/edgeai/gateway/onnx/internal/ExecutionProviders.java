package io.edgeai.gateway.onnx.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;

/** Chooses an execution provider, falling back to CPU when the requested one is not in this build. */
final class ExecutionProviders {
    private ExecutionProviders() {
    }

    /**
     * @param opts session options to add the provider to
     * @param requested provider name, case-insensitive ({@code CPU}, {@code CUDA}, {@code TENSORRT}, {@code XNNPACK})
     * @return the provider actually used
     */
    static String apply(OrtSession.SessionOptions opts, String requested) {
        String want = requested == null ? "CPU" : requested.trim().toUpperCase(Locale.ROOT);
        EnumSet<OrtProvider> have = OrtEnvironment.getAvailableProviders();
        try {
            switch (want) {
                case "CUDA" -> {
                    if (have.contains(OrtProvider.CUDA)) {
                        opts.addCUDA(0);
                        return "CUDA";
                    }
                }
                case "TENSORRT" -> {
                    if (have.contains(OrtProvider.TENSOR_RT)) {
                        opts.addTensorrt(0);
                        return "TENSORRT";
                    }
                }
                case "XNNPACK" -> {
                    if (have.contains(OrtProvider.XNNPACK)) {
                        opts.addXnnpack(java.util.Map.of());
                        return "XNNPACK";
                    }
                }
                default -> {
                    return "CPU";
                }
            }
        } catch (OrtException e) {
            return "CPU (" + want + " failed: " + e.getMessage() + ")";
        }
        return "CPU (" + want + " not in this build)";
    }

    /** @return provider names of this ONNX Runtime build */
    static List<String> available() {
        List<String> names = new ArrayList<>();
        OrtEnvironment.getAvailableProviders().forEach(p -> names.add(p.name()));
        return names;
    }
}
