package io.edgeai.gateway.nlp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.nlp.internal.intent.FewShotClassifier;
import io.edgeai.gateway.nlp.internal.intent.FewShotIntents;
import io.edgeai.gateway.nlp.internal.intent.IntentResult;
import io.edgeai.gateway.nlp.internal.slots.BioDecoder;
import io.edgeai.gateway.nlp.internal.slots.Entity;
import io.edgeai.gateway.tokenize.Encoding;

/** Few-shot parsing and classification with the real encoder; BIO decoding onto original offsets. */
class FewShotAndBioTest {

    @Test
    void parsesIntentDefinitions() {
        Map<String, List<String>> m = FewShotIntents.parse(new String[] {
            "lights_on=turn on the lights| switch the light on ", "", "lights_on=lights on please", "打开空调=打开空调|开空调"
        });
        assertEquals(List.of("turn on the lights", "switch the light on", "lights on please"), m.get("lights_on"));
        assertEquals(List.of("打开空调", "开空调"), m.get("打开空调"));
        assertThrows(IllegalArgumentException.class, () -> FewShotIntents.parse(new String[] {"no examples here"}));
        assertThrows(IllegalArgumentException.class, () -> FewShotIntents.parse(new String[] {"x=|"}));
        assertThrows(IllegalArgumentException.class, () -> FewShotIntents.parse(new String[] {"out_of_scope=hello"}));
    }

    @Test
    void nearestExampleDecidesAndFarTextIsOutOfScope() {
        TextEncoder enc = TestModels.ALL.encoder("all-minilm-l6-v2-q");
        FewShotClassifier c = FewShotClassifier.build(enc, FewShotIntents.parse(new String[] {
            "lights_on=turn on the lights|switch the light on",
            "lights_off=turn off the lights|switch the light off",
            "weather=what is the weather like|will it rain tomorrow"
        }));
        IntentResult r = c.classify(enc.embed("could you switch on the light in the hall"), 0.05, 0.5, 0);
        assertEquals("lights_on", r.intent());
        assertEquals(3, r.alternatives().size());
        assertTrue(
                r.alternatives().get(0).confidence() >= r.alternatives().get(1).confidence());
        double sum = r.alternatives().stream().mapToDouble(s -> s.confidence()).sum();
        assertEquals(1.0, sum, 1e-6);
        assertEquals(
                "weather",
                c.classify(enc.embed("is it going to rain later"), 0.05, 0.5, 0).intent());
        IntentResult far = c.classify(enc.embed("who wrote pride and prejudice"), 0.05, 0.5, 0);
        assertEquals(IntentResult.OUT_OF_SCOPE, far.intent());
    }

    @Test
    void bioTagsBecomeSpansOfTheOriginalText() {
        TextEncoder enc = TestModels.ALL.encoder("all-minilm-l6-v2-q");
        String text = "Dim the LIVING-ROOM lamps to 30%";
        Encoding e = enc.encode(text);
        List<String> labels = List.of("O", "B-room", "I-room", "B-amount", "I-amount");
        float[][] probs = new float[e.length()][labels.size()];
        for (int i = 0; i < e.length(); i++) {
            String piece = e.isSpecial(i) ? "" : text.substring(e.start()[i], e.end()[i]);
            int tag = switch (piece) {
                case "LIVING" -> 1;
                case "-", "ROOM" -> 2;
                case "30" -> 3;
                case "%" -> 4;
                default -> 0;
            };
            probs[i][tag] = 0.9f;
            probs[i][(tag + 1) % labels.size()] = 0.1f;
        }
        List<Entity> ents = BioDecoder.decode(text, e, probs, labels);
        assertEquals(2, ents.size(), ents.toString());
        assertEquals(new Entity("room", "LIVING-ROOM", 8, 19, 0.9f), round(ents.get(0)));
        assertEquals("30%", ents.get(1).text());
        assertEquals("amount", ents.get(1).type());
    }

    private static Entity round(Entity e) {
        return new Entity(e.type(), e.text(), e.start(), e.end(), (float) e.confidence());
    }
}
