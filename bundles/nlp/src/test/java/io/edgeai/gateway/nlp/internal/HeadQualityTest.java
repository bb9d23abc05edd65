package io.edgeai.gateway.nlp.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.api.TokenEmbeddings;
import io.edgeai.gateway.nlp.internal.intent.HeadClassifier;
import io.edgeai.gateway.nlp.internal.slots.BioDecoder;
import io.edgeai.gateway.nlp.internal.slots.Entity;

/**
 * The demo heads on data they were not trained on (HWU64 test split, iot intents): the pipeline's own
 * classification and span decoding must reach useful quality, which also proves that training features
 * and runtime features line up (same tokenizer, pooling and offsets).
 */
class HeadQualityTest {
    private static final Path TEST = Path.of("../../data/nlu/hwu64/test.jsonl");
    private static final Set<String> TYPES =
            Set.of("house_place", "device_type", "color_type", "coffee_type", "time", "change_amount");

    @Test
    void intentAccuracyAndSlotF1OnHeldOutSentences() throws IOException {
        TextEncoder enc = TestModels.ALL.encoder("all-minilm-l6-v2-q");
        ModelRunner intent = TestModels.ALL.model("iot-intent-minilm");
        ModelRunner slots = TestModels.ALL.model("iot-slots-minilm");
        ObjectMapper json = new ObjectMapper();
        int n = 0;
        int correct = 0;
        int tp = 0;
        int predicted = 0;
        int gold = 0;
        for (String line : Files.readAllLines(TEST)) {
            JsonNode s = json.readTree(line);
            if (!s.get("intent").asText().startsWith("iot_")) {
                continue;
            }
            String text = s.get("text").asText();
            n++;
            if (HeadClassifier.classify(intent, enc.embed(text), 0)
                    .intent()
                    .equals(s.get("intent").asText())) {
                correct++;
            }
            TokenEmbeddings te = enc.embedTokens(text);
            List<Entity> found = BioDecoder.decode(
                    text, te.encoding(), slots.run(te.vectors()), slots.info().labels());
            Set<String> want = new HashSet<>();
            for (JsonNode e : s.get("entities")) {
                if (TYPES.contains(e.get("type").asText())) {
                    want.add(e.get("type").asText() + "@" + e.get("start").asInt() + ":"
                            + e.get("end").asInt());
                }
            }
            gold += want.size();
            predicted += found.size();
            for (Entity e : found) {
                if (want.contains(e.type() + "@" + e.start() + ":" + e.end())) {
                    tp++;
                }
            }
        }
        double acc = correct / (double) n;
        double p = tp / (double) Math.max(1, predicted);
        double r = tp / (double) Math.max(1, gold);
        double f1 = 2 * p * r / Math.max(1e-9, p + r);
        System.out.printf(
                "HWU64 iot test: %d sentences, intent accuracy %.3f, slot exact-span P %.3f R %.3f F1 %.3f%n",
                n, acc, p, r, f1);
        assertTrue(n > 100, "expected the HWU64 iot test sentences, got " + n);
        assertTrue(acc >= 0.85, "intent accuracy " + acc);
        assertTrue(f1 >= 0.6, "slot F1 " + f1);
    }
}
