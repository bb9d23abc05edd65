package io.edgeai.gateway.tokenize.internal;

import java.util.Arrays;

/**
 * Text being normalised: code points, each aligned to the UTF-16 range of the original text it came
 * from. Normalisation steps append to a new instance, so every output code point keeps its source range
 * (a decomposed or lower-cased character maps all its parts to the original character).
 */
final class Normalized {
    int[] cps;
    int[] from;
    int[] to;
    int size;

    Normalized(int capacity) {
        cps = new int[Math.max(4, capacity)];
        from = new int[cps.length];
        to = new int[cps.length];
    }

    /**
     * @param text original text
     * @param offset UTF-16 index of {@code text} in the whole input (for segments between added tokens)
     * @return the text's code points aligned to themselves
     */
    static Normalized of(String text, int offset) {
        Normalized n = new Normalized(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int len = Character.charCount(cp);
            n.add(cp, offset + i, offset + i + len);
            i += len;
        }
        return n;
    }

    void add(int cp, int start, int end) {
        if (size == cps.length) {
            int cap = size * 2;
            cps = Arrays.copyOf(cps, cap);
            from = Arrays.copyOf(from, cap);
            to = Arrays.copyOf(to, cap);
        }
        cps[size] = cp;
        from[size] = start;
        to[size] = end;
        size++;
    }

    /** @return the code points {@code [begin, end)} as a string */
    String substring(int begin, int end) {
        return new String(cps, begin, end - begin);
    }
}
