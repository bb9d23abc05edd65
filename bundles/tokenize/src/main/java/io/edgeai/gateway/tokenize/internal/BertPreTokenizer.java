package io.edgeai.gateway.tokenize.internal;

import java.util.List;

/**
 * Hugging Face's {@code BertPreTokenizer}: splits on whitespace (dropped) and isolates every punctuation
 * character; each word then goes through WordPiece.
 */
final class BertPreTokenizer {
    private BertPreTokenizer() {}

    /**
     * @param n normalised text
     * @param model WordPiece applied to every word
     * @param firstWord index of the first word found
     * @param out receives the tokens
     * @return index of the next word
     */
    static int split(Normalized n, WordPiece model, int firstWord, List<WordPiece.Token> out) {
        int word = firstWord;
        int begin = -1;
        for (int i = 0; i < n.size; i++) {
            int c = n.cps[i];
            boolean space = CharClasses.isWhitespace(c);
            boolean punct = !space && CharClasses.isPunctuation(c);
            if (space || punct) {
                if (begin >= 0) {
                    model.tokenize(n, begin, i, word++, out);
                    begin = -1;
                }
                if (punct) {
                    model.tokenize(n, i, i + 1, word++, out);
                }
            } else if (begin < 0) {
                begin = i;
            }
        }
        if (begin >= 0) {
            model.tokenize(n, begin, n.size, word++, out);
        }
        return word;
    }
}
