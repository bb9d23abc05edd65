package io.edgeai.gateway.onnx.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.TensorSpec;

/** Parses and validates a model descriptor; every problem is reported as {@link ModelLoadException}. */
public final class DescriptorReader {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DescriptorReader() {}

    /**
     * @param in the descriptor JSON
     * @return the validated descriptor
     * @throws ModelLoadException when it is not valid JSON or lacks a required field
     */
    public static ModelDescriptor read(InputStream in) {
        JsonNode root;
        try {
            root = MAPPER.readTree(in);
        } catch (IOException e) {
            throw new ModelLoadException("descriptor is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ModelLoadException("descriptor is not a JSON object");
        }
        String name = text(root, "name");
        String version = text(root, "version");
        String file = text(root, "file");
        String sha = text(root, "sha256").toLowerCase();
        if (!sha.matches("[0-9a-f]{64}")) {
            throw new ModelLoadException("descriptor field 'sha256' is not a hex SHA-256");
        }
        Map<String, String> props = new LinkedHashMap<>();
        root.path("properties")
                .fields()
                .forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
        return new ModelDescriptor(
                name,
                version,
                root.path("description").asText(""),
                file,
                sha,
                tensors(root, "inputs"),
                tensors(root, "outputs"),
                props,
                testVector(root.get("test")),
                TextFields.labels(root),
                TextFields.tokenizer(root),
                TextFields.testText(root));
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw new ModelLoadException("descriptor lacks text field '" + field + "'");
        }
        return n.asText();
    }

    private static List<TensorSpec> tensors(JsonNode root, String field) {
        JsonNode arr = root.get(field);
        if (arr == null || !arr.isArray() || arr.isEmpty()) {
            throw new ModelLoadException("descriptor lacks a non-empty array '" + field + "'");
        }
        List<TensorSpec> out = new ArrayList<>();
        for (JsonNode t : arr) {
            List<Long> shape = new ArrayList<>();
            t.path("shape").forEach(d -> shape.add(d.asLong()));
            if (shape.isEmpty()) {
                throw new ModelLoadException("tensor in '" + field + "' lacks a shape");
            }
            out.add(new TensorSpec(text(t, "name"), t.path("type").asText("float"), shape));
        }
        return out;
    }

    private static ModelDescriptor.TestVector testVector(JsonNode test) {
        if (test == null || test.isNull()) {
            return null;
        }
        return new ModelDescriptor.TestVector(
                matrix(test.get("input")),
                matrix(test.get("output")),
                test.path("tolerance").asDouble(1e-4));
    }

    private static float[][] matrix(JsonNode rows) {
        if (rows == null || !rows.isArray() || rows.isEmpty()) {
            throw new ModelLoadException("test vector needs non-empty 'input' and 'output' arrays of rows");
        }
        float[][] m = new float[rows.size()][];
        for (int r = 0; r < rows.size(); r++) {
            JsonNode row = rows.get(r);
            m[r] = new float[row.size()];
            for (int c = 0; c < row.size(); c++) {
                m[r][c] = (float) row.get(c).asDouble();
            }
        }
        return m;
    }
}
