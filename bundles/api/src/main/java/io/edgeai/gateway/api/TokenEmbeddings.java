package io.edgeai.gateway.api;

import java.util.Objects;

import io.edgeai.gateway.tokenize.Encoding;

/**
 * The encoder's vector for every token of one text.
 *
 * @param encoding the tokens, with ids and character offsets into the text
 * @param vectors one row per token of {@code encoding}, in the same order (not copied; do not modify)
 */
public record TokenEmbeddings(Encoding encoding, float[][] vectors) {
    /** Checks that there is one vector per token. */
    public TokenEmbeddings {
        Objects.requireNonNull(encoding, "encoding");
        if (vectors.length != encoding.length()) {
            throw new IllegalArgumentException(vectors.length + " vectors for " + encoding.length() + " tokens");
        }
    }
}
