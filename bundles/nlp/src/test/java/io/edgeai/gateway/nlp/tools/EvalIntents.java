package io.edgeai.gateway.nlp.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.EdgeAiConstants;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.nlp.internal.HeadInputs;
import io.edgeai.gateway.nlp.internal.decode.RejectedTextException;
import io.edgeai.gateway.nlp.internal.intent.HeadClassifier;
import io.edgeai.gateway.nlp.internal.intent.IntentResult;
import io.edgeai.gateway.onnx.tools.LocalModels;

/**
 * Scores a shipped intent head on a held-out JSONL file through the text pipeline's own code (tokenizer,
 * encoders, head input, out-of-scope decision):
 *
 * <pre>
 * EvalIntents MODEL TEST_JSONL [THRESHOLD]
 * </pre>
 *
 * The threshold defaults to the head's {@code oos.threshold}. Lines whose intent is {@code oos} are
 * out-of-scope: the result must be {@code out_of_scope}. Prints in-scope accuracy, out-of-scope recall
 * (when there are such lines) and, for reference, both figures at other thresholds.
 */
public final class EvalIntents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvalIntents() {}

    /**
     * @param args see the class comment
     * @throws IOException when the test file cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: EvalIntents MODEL TEST_JSONL [THRESHOLD]");
            System.exit(2);
        }
        long start = System.nanoTime();
        Map<String, TextEncoder> encoders = new LinkedHashMap<>();
        try (LocalModels models = new LocalModels()) {
            ModelRunner head = models.model(args[0]);
            double threshold = args.length > 2
                    ? Double.parseDouble(args[2])
                    : head.info().doubleProperty(EdgeAiConstants.PROPERTY_OOS_THRESHOLD, 0);
            for (String name : HeadInputs.encoders(head, "")) {
                encoders.put(name, models.encoder(name));
            }
            TextEncoder own = encoders.values().iterator().next();
            List<String> gold = new ArrayList<>();
            List<float[]> inputs = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of(args[1]))) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                String text = n.path("text").asText();
                gold.add(n.path("intent").asText());
                inputs.add(HeadInputs.sentence(head, own, own.embed(text), text, encoders::get));
            }
            System.out.printf(
                    "%s on %s: %d sentences, encoders %s (%.1f s)%n",
                    head.info().id(),
                    args[1],
                    gold.size(),
                    String.join(",", encoders.keySet()),
                    (System.nanoTime() - start) / 1e9);
            report(head, gold, inputs, threshold, true);
            for (double t : new double[] {0.0, 0.2, 0.3, 0.4, 0.5, 0.6}) {
                if (Math.abs(t - threshold) > 1e-9) {
                    report(head, gold, inputs, t, false);
                }
            }
        } catch (RejectedTextException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void report(
            ModelRunner head, List<String> gold, List<float[]> inputs, double threshold, boolean main) {
        int inScope = 0;
        int correct = 0;
        int oos = 0;
        int rejected = 0;
        for (int i = 0; i < gold.size(); i++) {
            IntentResult r = HeadClassifier.classify(head, inputs.get(i), threshold);
            if (gold.get(i).equals(HeadClassifier.OOS_LABEL)) {
                oos++;
                if (r.intent().equals(IntentResult.OUT_OF_SCOPE)) {
                    rejected++;
                }
            } else {
                inScope++;
                if (r.intent().equals(gold.get(i))) {
                    correct++;
                }
            }
        }
        String line = String.format(
                "threshold %.3f: in-scope accuracy %.4f (%d/%d)",
                threshold, correct / (double) inScope, correct, inScope);
        if (oos > 0) {
            line += String.format(", out-of-scope recall %.4f (%d/%d)", rejected / (double) oos, rejected, oos);
        }
        System.out.println((main ? "RESULT " : "  for reference, ") + line);
    }
}
