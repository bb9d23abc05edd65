package io.edgeai.gateway.nlp.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterAll;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.nlp.internal.decode.RejectedTextException;
import io.edgeai.gateway.nlp.internal.decode.TextDecoder;
import io.edgeai.gateway.testing.FuzzStats;
import io.edgeai.gateway.tokenize.Encoding;

/**
 * The text pipeline's front: payload to text (JSON or plain UTF-8), then the shipped encoders' tokenizers
 * (WordPiece of MiniLM and of the Chinese BGE). Per input: a rejection with a code and a reason, or text
 * whose tokens carry offsets inside it, in order, between the special tokens. The last byte picks the
 * encoder, the rest is the payload.
 */
class TextDecodeFuzzTest {
    private static final FuzzStats STATS = new FuzzStats("text-decode-tokenize");
    private static final TextDecoder DECODER = new TextDecoder("text", 2000);
    private static final List<String> ENCODERS = List.of("all-minilm-l6-v2-q", "bge-small-zh-v15-q");

    @FuzzTest(maxDuration = "10s")
    void decode(FuzzedDataProvider data) {
        TextEncoder encoder = TestModels.ALL.encoder(ENCODERS.get(data.consumeInt(0, ENCODERS.size() - 1)));
        byte[] payload = data.consumeRemainingAsBytes();
        STATS.execution();
        String text;
        try {
            text = DECODER.decode(payload);
        } catch (RejectedTextException e) {
            assertFalse(e.code() == null || e.code().isBlank(), "rejection without a code");
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "rejection without a reason");
            STATS.outcome("rejected");
            STATS.code(e.code());
            return;
        }
        assertFalse(text.isEmpty(), "empty text accepted");
        assertTrue(text.length() <= 2000, "text over the limit accepted");
        Encoding enc = encoder.encode(text);
        assertNotNull(enc, "no encoding");
        assertTrue(enc.length() >= 2, "no special tokens around the text");
        assertTrue(enc.isSpecial(0) && enc.isSpecial(enc.length() - 1), "text not framed by special tokens");
        int lastWord = -1;
        int lastStart = 0;
        for (int i = 0; i < enc.length(); i++) {
            if (enc.isSpecial(i)) {
                continue;
            }
            int s = enc.start()[i];
            int e = enc.end()[i];
            assertTrue(
                    0 <= s && s <= e && e <= text.length(),
                    "token " + i + " offsets " + s + ".." + e + " outside a text of " + text.length());
            assertTrue(s >= lastStart, "token " + i + " starts before the token before it");
            assertTrue(enc.wordIds()[i] >= lastWord, "word ids go back at token " + i);
            assertTrue(enc.ids()[i] >= 0, "negative token id");
            lastStart = s;
            lastWord = enc.wordIds()[i];
        }
        STATS.outcome("text");
    }

    @AfterAll
    static void report() {
        STATS.report();
    }
}
