package io.edgeai.gateway.api;

import java.util.Objects;

import io.edgeai.gateway.tokenize.Encoding;

/**
 * Everything one encoder run gives for one text: its tokenization, the last hidden state of every token and
 * the pooled sentence vector computed from those same states.
 *
 * @param encoding the tokens the model saw, with ids and character offsets (truncated to the model's maximum
 *        length; see {@link Encoding#truncated()})
 * @param tokens one row per token of {@code encoding}, special tokens included (not copied; do not modify)
 * @param sentence the pooled (and, when the descriptor says so, normalised) sentence vector (not copied; do not
 *        modify)
 */
public record TextEmbedding(Encoding encoding, float[][] tokens, float[] sentence) {
    /** Checks that there is one token row per token. */
    public TextEmbedding {
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(sentence, "sentence");
        if (tokens.length != encoding.length()) {
            throw new IllegalArgumentException(tokens.length + " token rows for " + encoding.length() + " tokens");
        }
    }

    /** @return the token states with their encoding, as {@link TextEncoder#embedTokens} gives them */
    public TokenEmbeddings tokenEmbeddings() {
        return new TokenEmbeddings(encoding, tokens);
    }

    /** @return true when the text was longer than the model's maximum length and was cut */
    public boolean truncated() {
        return encoding.truncated();
    }
}
