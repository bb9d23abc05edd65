package io.edgeai.gateway.tokenize.internal;

import java.text.Normalizer;

/**
 * Hugging Face's {@code BertNormalizer}: clean text (drop NUL, U+FFFD and control/format/unassigned/private
 * characters, turn whitespace into spaces), put spaces around CJK ideographs, strip accents (NFD, drop
 * non-spacing marks) and lower-case, each as configured. Lower-casing maps one code point at a time
 * like Rust's {@code char::to_lowercase} (no context rules such as the Greek final sigma).
 *
 * @param cleanText drop control characters, normalise whitespace
 * @param handleChineseChars isolate CJK ideographs
 * @param stripAccents remove accents
 * @param lowercase lower-case
 */
record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {

    Normalized apply(Normalized in) {
        Normalized out = new Normalized(in.size + 8);
        for (int i = 0; i < in.size; i++) {
            int cp = in.cps[i];
            int s = in.from[i];
            int e = in.to[i];
            if (cleanText) {
                if (cp == 0 || cp == 0xFFFD || CharClasses.isControl(cp)) {
                    continue;
                }
                if (CharClasses.isWhitespace(cp)) {
                    cp = ' ';
                }
            }
            if (handleChineseChars && CharClasses.isChinese(cp)) {
                out.add(' ', s, e);
                emit(out, cp, s, e);
                out.add(' ', s, e);
            } else {
                emit(out, cp, s, e);
            }
        }
        return out;
    }

    private void emit(Normalized out, int cp, int s, int e) {
        if (stripAccents && cp >= 0x80) {
            String d = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFD);
            for (int i = 0; i < d.length(); ) {
                int c = d.codePointAt(i);
                i += Character.charCount(c);
                if (Character.getType(c) != Character.NON_SPACING_MARK) {
                    lower(out, c, s, e);
                }
            }
        } else {
            lower(out, cp, s, e);
        }
    }

    private void lower(Normalized out, int cp, int s, int e) {
        if (!lowercase) {
            out.add(cp, s, e);
        } else if (cp == 0x130) {
            // Rust lower-cases U+0130 to "i" followed by a combining dot above
            out.add('i', s, e);
            out.add(0x307, s, e);
        } else {
            out.add(Character.toLowerCase(cp), s, e);
        }
    }
}
