package io.edgeai.gateway.onnx.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the ONNX model runtime (PID {@code edgeai.onnx}). */
@ObjectClassDefinition(
        id = "edgeai.onnx",
        name = "EdgeAI ONNX Runtime",
        description = "How model bundles are loaded into ONNX Runtime sessions.")
public @interface OnnxRuntimeConfig {
    /** @return threads inside one operator */
    @AttributeDefinition(
            name = "Intra-op threads",
            description =
                    "Threads used inside one operator, for every "
                            + "model without an entry in threads (1 suits small models; 2 or more helps large ones and batches).",
            min = "1")
    int intra_op_threads() default 1;

    /** @return threads across operators */
    @AttributeDefinition(
            name = "Inter-op threads",
            description =
                    "Threads used across independent operators, for " + "every model without an entry in threads.",
            min = "1")
    int inter_op_threads() default 1;

    /** @return thread counts per model */
    @AttributeDefinition(
            name = "Threads per model",
            description = "Entries model-name=intra or "
                    + "model-name=intra/inter, e.g. all-minilm-l6-v2-q=2/1; several in one value separated by ';'. "
                    + "Other models use intra.op.threads and inter.op.threads.")
    String[] threads() default {};

    /** @return execution provider preferences */
    @AttributeDefinition(
            name = "Execution providers",
            description = "Preference lists of execution providers "
                    + "(CPU, CUDA, TENSORRT, XNNPACK, DNNL, OPENVINO, ROCM, COREML, NNAPI, QNN). An entry without '=' is "
                    + "the list for every model (e.g. CUDA,CPU); model-name=TENSORRT,CUDA,CPU sets one model's; several "
                    + "entries in one value are separated by ';' (CUDA,CPU; nab-ae=CPU). The first "
                    + "provider this ONNX Runtime build has and that starts is used; CPU is the last resort. Skipped "
                    + "providers are logged at WARN with the reason and shown by edgeai:models.")
    String[] providers() default {"CPU"};

    /** @return warm-up inferences before a model takes traffic */
    @AttributeDefinition(
            name = "Warm-up runs",
            description = "Inferences run on a new model before it takes traffic.",
            min = "0")
    int warmupRuns() default 3;

    /** @return how long a removed serving version keeps serving while its bundle may come back updated */
    @AttributeDefinition(
            name = "Removal grace (ms)",
            description =
                    "When the bundle of the serving version stops, it keeps serving this long before the next version takes over, so that bundle:update swaps straight to the new version without a detour through an older one.",
            min = "0")
    long removalGraceMillis() default 2000;

    /** @return whether only models signed by a trusted key load */
    @AttributeDefinition(
            name = "Secure mode",
            description =
                    "Only model bundles carrying a valid Ed25519 signature (model/model.json.sig) by one of the trusted keys load; unsigned or badly signed ones are refused with the reason. The distribution ships it on.")
    boolean secureMode() default false;

    /** @return trusted public keys */
    @AttributeDefinition(
            name = "Trusted keys",
            description =
                    "Ed25519 public keys (base64 X.509, as tools/sign-model prints them) whose model signatures are accepted.")
    String[] trustedKeys() default {};

    /** @return whether a newly installed higher version starts as shadow candidate */
    @AttributeDefinition(
            name = "New versions shadow first",
            description =
                    "When on, a newly installed version higher than the serving one does not serve at once: it becomes the shadow candidate, scores live traffic without publishing, and serves after edgeai:model-promote.")
    boolean shadowNewVersions() default false;
}
