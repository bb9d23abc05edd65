package io.edgeai.gateway.onnx.internal;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** Descriptor fields of text models: labels of classifier heads, tokenizer and test text of encoders. */
final class TextFields {
    private TextFields() {}

    static List<String> labels(JsonNode root) {
        JsonNode arr = root.get("labels");
        if (arr == null || arr.isNull()) {
            return List.of();
        }
        if (!arr.isArray()) {
            throw new ModelLoadException("descriptor field 'labels' is not an array of strings");
        }
        List<String> labels = new ArrayList<>();
        for (JsonNode l : arr) {
            if (!l.isTextual() || l.asText().isBlank()) {
                throw new ModelLoadException("descriptor field 'labels' holds a non-text or empty entry");
            }
            labels.add(l.asText());
        }
        if (labels.stream().distinct().count() != labels.size()) {
            throw new ModelLoadException("descriptor field 'labels' holds duplicates");
        }
        return labels;
    }

    static String tokenizer(JsonNode root) {
        JsonNode t = root.get("tokenizer");
        if (t == null || t.isNull()) {
            return null;
        }
        if (!t.isTextual() || t.asText().isBlank() || t.asText().contains("..")) {
            throw new ModelLoadException("descriptor field 'tokenizer' must name a file next to the descriptor");
        }
        return t.asText();
    }

    static String testText(JsonNode root) {
        JsonNode t = root.path("test").get("text");
        return t == null || t.isNull() ? null : t.asText();
    }
}
