package io.edgeai.gateway.tokenize;

import org.osgi.annotation.versioning.ProviderType;

/** Turns text into the token ids a model expects. Thread-safe and immutable. */
@ProviderType
public interface Tokenizer {
    /**
     * Encodes one text with the model's special tokens, without truncation.
     *
     * @param text the text, not null
     * @return ids, masks and offsets into {@code text}
     */
    Encoding encode(String text);

    /**
     * Encodes one text with the model's special tokens, truncated so that the result (special tokens
     * included) has at most {@code maxLength} tokens.
     *
     * @param text the text, not null
     * @param maxLength largest number of tokens, at least the number of special tokens
     * @return ids, masks and offsets into {@code text}
     */
    Encoding encode(String text, int maxLength);

    /** @return id of the padding token */
    int padId();

    /** @return number of entries in the vocabulary */
    int vocabSize();
}
