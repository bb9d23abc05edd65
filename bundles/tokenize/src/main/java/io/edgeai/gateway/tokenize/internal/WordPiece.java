package io.edgeai.gateway.tokenize.internal;

import java.util.List;
import java.util.Map;

/**
 * Greedy longest-match-first WordPiece over one pre-tokenized word. A word longer than
 * {@code maxInputCharsPerWord} code points, or one that cannot be covered by vocabulary pieces, becomes
 * the unknown token.
 *
 * @param vocab token to id
 * @param unkToken the unknown token
 * @param unkId its id
 * @param prefix continuation prefix, usually {@code ##}
 * @param maxInputCharsPerWord longest word tokenized piecewise
 */
record WordPiece(Map<String, Integer> vocab, String unkToken, int unkId, String prefix, int maxInputCharsPerWord) {

    /** Appends the pieces of {@code n[begin, end)} to {@code out}. */
    void tokenize(Normalized n, int begin, int end, int word, List<Token> out) {
        if (end - begin > maxInputCharsPerWord) {
            out.add(new Token(unkId, unkToken, n.from[begin], n.to[end - 1], word));
            return;
        }
        int mark = out.size();
        int start = begin;
        while (start < end) {
            int stop = end;
            Integer id = null;
            String piece = null;
            while (start < stop) {
                String sub = n.substring(start, stop);
                if (start > begin) {
                    sub = prefix + sub;
                }
                id = vocab.get(sub);
                if (id != null) {
                    piece = sub;
                    break;
                }
                stop--;
            }
            if (id == null) {
                out.subList(mark, out.size()).clear();
                out.add(new Token(unkId, unkToken, n.from[begin], n.to[end - 1], word));
                return;
            }
            out.add(new Token(id, piece, n.from[start], n.to[stop - 1], word));
            start = stop;
        }
    }

    /** One token before post-processing. */
    record Token(int id, String text, int start, int end, int word) {}
}
