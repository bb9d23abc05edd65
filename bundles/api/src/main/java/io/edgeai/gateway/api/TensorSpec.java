package io.edgeai.gateway.api;

import java.util.List;
import java.util.Objects;

/**
 * Name, element type and shape of one model input or output. A dimension of {@code -1} is
 * dynamic (usually the batch).
 *
 * @param name the tensor's name in the ONNX graph
 * @param type element type, e.g. {@code float} or {@code int64}
 * @param shape dimensions, {@code -1} for a dynamic one
 */
public record TensorSpec(String name, String type, List<Long> shape) {
    /** Validates and copies the shape. */
    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = List.copyOf(shape);
    }

    /** @return the number of elements of one batch row: the product of all dimensions but the first */
    public long rowSize() {
        long n = 1;
        for (int i = 1; i < shape.size(); i++) {
            n *= Math.max(1, shape.get(i));
        }
        return n;
    }

    @Override
    public String toString() {
        return name + ":" + type + shape;
    }
}
