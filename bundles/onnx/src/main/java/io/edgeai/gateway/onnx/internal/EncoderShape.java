package io.edgeai.gateway.onnx.internal;

import java.util.List;
import java.util.Set;

import io.edgeai.gateway.api.EdgeAiConstants;

/**
 * Pooling and size settings of an encoder descriptor, validated.
 *
 * @param hasTypeIds the model takes {@code token_type_ids}
 * @param meanPooling mean over the attention mask, else the first ({@code [CLS]}) token
 * @param normalize L2-normalise pooled vectors
 * @param maxLength most tokens per text
 * @param dimension hidden size
 */
record EncoderShape(boolean hasTypeIds, boolean meanPooling, boolean normalize, int maxLength, int dimension) {
    static final String IDS = "input_ids";
    static final String MASK = "attention_mask";
    static final String TYPES = "token_type_ids";

    static EncoderShape of(ModelDescriptor d) {
        List<String> names = d.inputs().stream().map(t -> t.name()).toList();
        if (!names.contains(IDS) || !names.contains(MASK)) {
            throw new ModelLoadException(
                    "a text encoder needs inputs " + IDS + " and " + MASK + ", descriptor has " + names);
        }
        for (var t : d.inputs()) {
            if (!Set.of(IDS, MASK, TYPES).contains(t.name())
                    || !t.type().equals("int64")
                    || t.shape().size() != 2) {
                throw new ModelLoadException("text encoder input " + t + " is not one of " + IDS + ", " + MASK + ", "
                        + TYPES + " as int64 [batch, tokens]");
            }
        }
        var out = d.outputs().get(0);
        if (out.shape().size() != 3 || out.shape().get(2) <= 0 || !out.type().equals("float")) {
            throw new ModelLoadException(
                    "text encoder output " + out + " must be float [batch, tokens, dimension] with a fixed dimension");
        }
        String pooling = d.properties().getOrDefault(EdgeAiConstants.PROPERTY_POOLING, "mean");
        if (!pooling.equals("mean") && !pooling.equals("cls")) {
            throw new ModelLoadException("property pooling must be mean or cls, not " + pooling);
        }
        int max;
        try {
            max = Integer.parseInt(d.properties().getOrDefault(EdgeAiConstants.PROPERTY_MAX_LENGTH, "128"));
        } catch (NumberFormatException e) {
            throw new ModelLoadException("property max.length is not a number");
        }
        if (max < 3 || max > 8192) {
            throw new ModelLoadException("property max.length must be 3..8192, not " + max);
        }
        return new EncoderShape(
                names.contains(TYPES),
                pooling.equals("mean"),
                Boolean.parseBoolean(d.properties().getOrDefault(EdgeAiConstants.PROPERTY_NORMALIZE, "true")),
                max,
                Math.toIntExact(out.shape().get(2)));
    }
}
