package io.edgeai.gateway.onnx.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.TextEncoder;

/**
 * Compares two text encoders on the same texts through the gateway's own {@code OrtTextEncoder} (its
 * tokenizer, pooling and normalisation): e.g. a re-exported model against its original, or an int8 model
 * against its float32 source.
 *
 * <pre>
 * CompareEncoders MODEL_DIR_A MODEL_DIR_B TEXTS_JSONL [N]
 * </pre>
 *
 * Each MODEL_DIR holds a {@code model.json} and the files it names. Reads the first N (default 300) lines
 * of TEXTS_JSONL ({@code {"text":...}}) and prints the cosine of the two pooled embeddings (mean, min, 1st
 * percentile) and the largest absolute difference of any component.
 */
public final class CompareEncoders {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CompareEncoders() {}

    /**
     * @param args see the class comment
     * @throws IOException when a file cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: CompareEncoders MODEL_DIR_A MODEL_DIR_B TEXTS_JSONL [N]");
            System.exit(2);
        }
        int n = args.length > 3 ? Integer.parseInt(args[3]) : 300;
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[2]))) {
            if (!line.isBlank() && texts.size() < n) {
                texts.add(JSON.readTree(line).path("text").asText());
            }
        }
        try (LocalModels models = new LocalModels()) {
            TextEncoder a = models.encoderFromDir(Path.of(args[0]));
            TextEncoder b = models.encoderFromDir(Path.of(args[1]));
            double[] cos = new double[texts.size()];
            double maxDiff = 0;
            for (int i = 0; i < texts.size(); i++) {
                float[] x = a.embed(texts.get(i));
                float[] y = b.embed(texts.get(i));
                double dot = 0;
                double nx = 0;
                double ny = 0;
                for (int k = 0; k < x.length; k++) {
                    dot += x[k] * y[k];
                    nx += x[k] * x[k];
                    ny += y[k] * y[k];
                    maxDiff = Math.max(maxDiff, Math.abs(x[k] - y[k]));
                }
                cos[i] = dot / Math.sqrt(nx * ny);
            }
            double mean = Arrays.stream(cos).average().orElse(Double.NaN);
            Arrays.sort(cos);
            System.out.printf(
                    "RESULT %s vs %s on %d texts: cosine mean %.6f, min %.6f, p1 %.6f; max |diff| %.6f%n",
                    a.info().id(), b.info().id(), cos.length, mean, cos[0], cos[cos.length / 100], maxDiff);
        }
    }
}
