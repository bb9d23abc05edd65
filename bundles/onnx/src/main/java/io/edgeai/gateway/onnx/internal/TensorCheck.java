package io.edgeai.gateway.onnx.internal;

import java.util.List;
import java.util.Map;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import io.edgeai.gateway.api.TensorSpec;

/** Compares a session's tensors with the descriptor: names, element types, ranks and fixed dimensions. */
final class TensorCheck {
    private TensorCheck() {}

    static void check(String kind, List<TensorSpec> expected, Map<String, NodeInfo> actual, boolean exactCount) {
        if (exactCount && expected.size() != actual.size()) {
            throw new ModelLoadException("model has " + actual.size() + " " + kind + "s " + actual.keySet()
                    + ", descriptor declares " + expected.size());
        }
        for (TensorSpec spec : expected) {
            NodeInfo node = actual.get(spec.name());
            if (node == null) {
                throw new ModelLoadException(
                        "model has no " + kind + " '" + spec.name() + "' (it has " + actual.keySet() + ")");
            }
            if (!(node.getInfo() instanceof TensorInfo ti)) {
                throw new ModelLoadException(kind + " '" + spec.name() + "' is not a tensor");
            }
            String type = ti.type == OnnxJavaType.INT64
                    ? "int64"
                    : ti.type == OnnxJavaType.FLOAT ? "float" : ti.type.name().toLowerCase(java.util.Locale.ROOT);
            if (!type.equals(spec.type())) {
                throw new ModelLoadException(
                        kind + " '" + spec.name() + "' is " + type + ", descriptor declares " + spec.type());
            }
            long[] shape = ti.getShape();
            if (shape.length != spec.shape().size()) {
                throw new ModelLoadException(kind + " '" + spec.name() + "' has rank " + shape.length
                        + ", descriptor declares " + spec.shape());
            }
            for (int i = 0; i < shape.length; i++) {
                long want = spec.shape().get(i);
                if (want > 0 && shape[i] > 0 && want != shape[i]) {
                    throw new ModelLoadException(kind + " '" + spec.name() + "' has shape "
                            + java.util.Arrays.toString(shape) + ", descriptor declares " + spec.shape());
                }
            }
        }
    }
}
