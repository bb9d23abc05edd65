package io.edgeai.gateway.tokenize;

import java.util.Objects;

/**
 * The tokens of one text. All arrays have one entry per token and must not be modified (arrays are
 * shared, not copied, on the hot path). Offsets are UTF-16 indices into the original text, end
 * exclusive, so {@code text.substring(start[i], end[i])} is what token {@code i} came from; special
 * tokens have {@code start == end == 0}.
 *
 * @param ids token ids
 * @param tokens token strings (continuation pieces carry the {@code ##} prefix)
 * @param typeIds segment ids (0 for a single text)
 * @param attentionMask 1 for every token (an encoding is not padded)
 * @param start start offset of each token in the original text
 * @param end end offset (exclusive) of each token in the original text
 * @param wordIds index of the pre-tokenized word each token belongs to, {@code -1} for special tokens
 * @param truncated true when tokens were dropped to fit a maximum length
 */
public record Encoding(
        int[] ids,
        String[] tokens,
        int[] typeIds,
        int[] attentionMask,
        int[] start,
        int[] end,
        int[] wordIds,
        boolean truncated) {
    /** Checks that every array has one entry per token. */
    public Encoding {
        int n = Objects.requireNonNull(ids, "ids").length;
        if (tokens.length != n
                || typeIds.length != n
                || attentionMask.length != n
                || start.length != n
                || end.length != n
                || wordIds.length != n) {
            throw new IllegalArgumentException("all encoding arrays need " + n + " entries");
        }
    }

    /** @return the number of tokens */
    public int length() {
        return ids.length;
    }

    /**
     * @param i token index
     * @return true for a special token such as {@code [CLS]} or {@code [SEP]}
     */
    public boolean isSpecial(int i) {
        return wordIds[i] < 0;
    }
}
