package io.edgeai.gateway.nlp.internal.slots;

import java.util.ArrayList;
import java.util.List;

import io.edgeai.gateway.tokenize.Encoding;

/**
 * Turns per-token BIO tag probabilities into entity spans of the original text. A word's tag is the
 * most probable tag of its first sub-token; continuation pieces ({@code ##...}) follow their word. A
 * {@code B-x} starts a span, {@code I-x} extends a span of the same type (or starts one), {@code O} ends
 * it. Offsets come from the tokenizer, so spans cut the original text exactly.
 */
public final class BioDecoder {
    private BioDecoder() {}

    /**
     * @param text the original text
     * @param enc its encoding (special tokens included)
     * @param probs one row of tag probabilities per token of {@code enc}
     * @param labels tag names in output order ({@code O}, {@code B-type}, {@code I-type})
     * @return the entities, in text order
     */
    public static List<Entity> decode(String text, Encoding enc, float[][] probs, List<String> labels) {
        List<Entity> out = new ArrayList<>();
        String type = null;
        int start = 0;
        int end = 0;
        double confSum = 0;
        int words = 0;
        int n = enc.length();
        for (int i = 0; i < n; i++) {
            if (enc.isSpecial(i) || (i > 0 && enc.wordIds()[i] == enc.wordIds()[i - 1])) {
                continue; // special token, or a continuation piece: its word was decided at its first piece
            }
            int best = argmax(probs[i]);
            String tag = labels.get(best);
            int wordEnd = wordEnd(enc, i);
            boolean inside = tag.startsWith("I-") && type != null && type.equals(tag.substring(2));
            if (inside) {
                end = wordEnd;
                confSum += probs[i][best];
                words++;
                continue;
            }
            if (type != null) {
                out.add(entity(text, type, start, end, confSum / words));
                type = null;
            }
            if (tag.startsWith("B-") || tag.startsWith("I-")) {
                type = tag.substring(2);
                start = enc.start()[i];
                end = wordEnd;
                confSum = probs[i][best];
                words = 1;
            }
        }
        if (type != null) {
            out.add(entity(text, type, start, end, confSum / words));
        }
        return out;
    }

    private static int wordEnd(Encoding enc, int first) {
        int end = enc.end()[first];
        for (int j = first + 1;
                j < enc.length() && !enc.isSpecial(j) && enc.wordIds()[j] == enc.wordIds()[first];
                j++) {
            end = enc.end()[j];
        }
        return end;
    }

    private static Entity entity(String text, String type, int start, int end, double conf) {
        return new Entity(type, text.substring(start, end), start, end, conf);
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}
