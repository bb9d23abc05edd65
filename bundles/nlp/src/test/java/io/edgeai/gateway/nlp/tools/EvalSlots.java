package io.edgeai.gateway.nlp.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.api.TokenEmbeddings;
import io.edgeai.gateway.nlp.internal.HeadInputs;
import io.edgeai.gateway.nlp.internal.slots.BioDecoder;
import io.edgeai.gateway.nlp.internal.slots.Entity;
import io.edgeai.gateway.onnx.tools.LocalModels;

/**
 * Scores a shipped slot head on a held-out JSONL file through the text pipeline's own code (tokenizer,
 * encoder, head input, BIO decoding to character offsets of the original text):
 *
 * <pre>
 * EvalSlots MODEL TEST_JSONL
 * </pre>
 *
 * An entity counts as found only with the same type, start and end as the labelled one (exact span match);
 * prints precision, recall and F1 (micro-averaged, like conlleval).
 */
public final class EvalSlots {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvalSlots() {}

    /**
     * @param args see the class comment
     * @throws IOException when the test file cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: EvalSlots MODEL TEST_JSONL");
            System.exit(2);
        }
        long started = System.nanoTime();
        try (LocalModels models = new LocalModels()) {
            ModelRunner head = models.model(args[0]);
            TextEncoder enc = models.encoder(HeadInputs.encoders(head, "").get(0));
            int sentences = 0;
            int tp = 0;
            int predicted = 0;
            int gold = 0;
            int exact = 0;
            for (String line : Files.readAllLines(Path.of(args[1]))) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                String text = n.path("text").asText();
                TokenEmbeddings te = enc.embedTokens(text);
                List<Entity> found = BioDecoder.decode(
                        text,
                        te.encoding(),
                        head.run(HeadInputs.tokens(head, te, text)),
                        head.info().labels());
                Set<String> want = new HashSet<>();
                for (JsonNode e : n.path("entities")) {
                    want.add(e.path("type").asText() + "@" + e.path("start").asInt() + ":"
                            + e.path("end").asInt());
                }
                Set<String> got = new HashSet<>();
                for (Entity e : found) {
                    got.add(e.type() + "@" + e.start() + ":" + e.end());
                }
                sentences++;
                gold += want.size();
                predicted += got.size();
                int hit = 0;
                for (String g : got) {
                    if (want.contains(g)) {
                        hit++;
                    }
                }
                tp += hit;
                if (got.equals(want)) {
                    exact++;
                }
            }
            double p = tp / (double) Math.max(1, predicted);
            double r = tp / (double) Math.max(1, gold);
            double f1 = 2 * p * r / Math.max(1e-9, p + r);
            System.out.printf(
                    "%s on %s: %d sentences, %d labelled entities (%.1f s)%n",
                    head.info().id(), args[1], sentences, gold, (System.nanoTime() - started) / 1e9);
            System.out.printf(
                    "RESULT slot F1 %.2f (precision %.2f, recall %.2f; exact-span match); sentences with all "
                            + "entities right %.4f%n",
                    100 * f1, 100 * p, 100 * r, exact / (double) sentences);
        }
    }
}
