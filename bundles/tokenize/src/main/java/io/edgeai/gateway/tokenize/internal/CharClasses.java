package io.edgeai.gateway.tokenize.internal;

/** Character classes as the Rust tokenizers library defines them. */
final class CharClasses {
    private CharClasses() {}

    /** Rust's {@code char::is_whitespace}: the Unicode White_Space property. */
    static boolean isWhitespace(int c) {
        return (c >= 0x09 && c <= 0x0D)
                || c == 0x20
                || c == 0x85
                || c == 0xA0
                || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A)
                || c == 0x2028
                || c == 0x2029
                || c == 0x202F
                || c == 0x205F
                || c == 0x3000;
    }

    /**
     * Control, format, private-use or surrogate, except tab, newline and carriage return. Unassigned code
     * points are not dropped: the Rust library's tables predate them, so it keeps newer characters such
     * as recent emoji (they become the unknown token).
     */
    static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        int t = Character.getType(c);
        return t == Character.CONTROL
                || t == Character.FORMAT
                || t == Character.PRIVATE_USE
                || t == Character.SURROGATE;
    }

    /** The CJK ideograph blocks BERT isolates. */
    static boolean isChinese(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF)
                || (c >= 0x3400 && c <= 0x4DBF)
                || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F)
                || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B920 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    /** ASCII punctuation or a Unicode punctuation category (Pc, Pd, Pe, Pf, Pi, Po, Ps). */
    static boolean isPunctuation(int c) {
        if (c < 0x80) {
            return (c >= 0x21 && c <= 0x2F)
                    || (c >= 0x3A && c <= 0x40)
                    || (c >= 0x5B && c <= 0x60)
                    || (c >= 0x7B && c <= 0x7E);
        }
        int t = Character.getType(c);
        return t == Character.CONNECTOR_PUNCTUATION
                || t == Character.DASH_PUNCTUATION
                || t == Character.END_PUNCTUATION
                || t == Character.FINAL_QUOTE_PUNCTUATION
                || t == Character.INITIAL_QUOTE_PUNCTUATION
                || t == Character.OTHER_PUNCTUATION
                || t == Character.START_PUNCTUATION;
    }
}
