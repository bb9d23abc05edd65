package io.edgeai.gateway.nlp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.api.TokenEmbeddings;
import io.edgeai.gateway.nlp.internal.decode.RejectedTextException;
import io.edgeai.gateway.tokenize.Encoding;

/**
 * Builds what a head model takes from the text and its encoders, as its descriptor says:
 * <ul>
 * <li>{@code encoder} may list several encoders ({@code a,b,c}); a sentence head then takes their pooled
 * embeddings concatenated in that order. The pipeline's own encoder must be one of them; its embedding is
 * reused, the others are looked up and run.</li>
 * <li>{@code features=case} appends three per-token features to a slot head's token rows: the token's first
 * character is upper case, the whole token is upper case, it contains a digit. The encoders are uncased, so
 * capitalisation is only in the original text. Special tokens get zeros.</li>
 * </ul>
 */
public final class HeadInputs {
    /** Head property listing its extra per-token features. */
    public static final String PROPERTY_FEATURES = "features";
    /** The case features' name in {@link #PROPERTY_FEATURES}. */
    static final String CASE = "case";
    /** Number of case features per token. */
    static final int CASE_FEATURES = 3;

    private HeadInputs() {}

    /**
     * Refuses a head that was not trained on the embeddings of the pipeline's encoder.
     *
     * @param head an intent or slot head
     * @param encoder the encoder whose embeddings it would get
     * @throws RejectedTextException {@code model-mismatch}, naming the encoders the head needs
     */
    public static void requireEncoder(ModelRunner head, TextEncoder encoder) throws RejectedTextException {
        String own = encoder.info().name();
        List<String> wants = encoders(head, own);
        if (!wants.contains(own)) {
            throw new RejectedTextException(
                    "model-mismatch",
                    "model " + head.info().id() + " needs encoder " + String.join(",", wants) + ", the pipeline uses "
                            + own);
        }
    }

    /** @return the encoder names a head was trained on, in order */
    public static List<String> encoders(ModelRunner head, String fallback) {
        String wants = head.info().property(io.edgeai.gateway.api.EdgeAiConstants.PROPERTY_ENCODER, fallback);
        List<String> names = new ArrayList<>();
        for (String n : wants.split(",")) {
            if (!n.isBlank()) {
                names.add(n.trim());
            }
        }
        return names;
    }

    /**
     * @param head a sentence head
     * @param own the pipeline's encoder
     * @param ownEmbedding the text's embedding from {@code own}
     * @param text the text
     * @param lookup serving encoders by name
     * @return the head's input row
     * @throws RejectedTextException when an encoder the head needs is not serving
     */
    public static float[] sentence(
            ModelRunner head, TextEncoder own, float[] ownEmbedding, String text, Function<String, TextEncoder> lookup)
            throws RejectedTextException {
        List<String> names = encoders(head, own.info().name());
        if (names.size() == 1) {
            return ownEmbedding;
        }
        List<float[]> parts = new ArrayList<>(names.size());
        int length = 0;
        for (String name : names) {
            float[] part;
            if (name.equals(own.info().name())) {
                part = ownEmbedding;
            } else {
                TextEncoder other = lookup.apply(name);
                if (other == null) {
                    throw new RejectedTextException(
                            "no-model",
                            "encoder " + name + " needed by model "
                                    + head.info().id() + " is not serving");
                }
                part = other.embed(text);
            }
            parts.add(part);
            length += part.length;
        }
        float[] row = new float[length];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, row, at, p.length);
            at += p.length;
        }
        return row;
    }

    /**
     * @param head a slot head
     * @param tokens the text's token states from the head's encoder
     * @param text the original text
     * @return the head's input rows, one per token
     */
    public static float[][] tokens(ModelRunner head, TokenEmbeddings tokens, String text) {
        if (!CASE.equals(head.info().property(PROPERTY_FEATURES, ""))) {
            return tokens.vectors();
        }
        Encoding e = tokens.encoding();
        float[][] v = tokens.vectors();
        float[][] rows = new float[v.length][];
        for (int i = 0; i < v.length; i++) {
            rows[i] = new float[v[i].length + CASE_FEATURES];
            System.arraycopy(v[i], 0, rows[i], 0, v[i].length);
            if (!e.isSpecial(i) && e.end()[i] > e.start()[i]) {
                caseFeatures(text.substring(e.start()[i], e.end()[i]), rows[i], v[i].length);
            }
        }
        return rows;
    }

    /** Same definitions as Python's {@code str.isupper()} and {@code str.isdigit()} per character. */
    static void caseFeatures(String piece, float[] row, int at) {
        int first = piece.codePointAt(0);
        row[at] = Character.isUpperCase(first) ? 1f : 0f;
        boolean cased = false;
        boolean allUpper = true;
        boolean digit = false;
        for (int i = 0; i < piece.length(); ) {
            int cp = piece.codePointAt(i);
            if (Character.isUpperCase(cp)) {
                cased = true;
            } else if (Character.isLowerCase(cp) || Character.isTitleCase(cp)) {
                cased = true;
                allUpper = false;
            }
            digit |= Character.isDigit(cp);
            i += Character.charCount(cp);
        }
        row[at + 1] = cased && allUpper ? 1f : 0f;
        row[at + 2] = digit ? 1f : 0f;
    }
}
