package io.edgeai.gateway.tokenize.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.edgeai.gateway.tokenize.Encoding;
import io.edgeai.gateway.tokenize.Tokenizer;
import io.edgeai.gateway.tokenize.Tokenizers;

/** Behaviour the pipeline relies on: offsets into the original text, word ids, truncation, refusals. */
class JsonTokenizerTest {
    private static Tokenizer minilm;
    private static Tokenizer bgeZh;

    @BeforeAll
    static void load() throws IOException {
        minilm = load("all-minilm-l6-v2-q-tokenizer.json");
        bgeZh = load("bge-small-zh-v1.5-q-tokenizer.json");
    }

    private static Tokenizer load(String resource) throws IOException {
        try (InputStream in = JsonTokenizerTest.class.getClassLoader().getResourceAsStream(resource)) {
            return Tokenizers.fromJson(in);
        }
    }

    @Test
    void offsetsPointIntoTheOriginalText() {
        String text = "Turn ON the Café's  lights, s'il vous plaît";
        Encoding e = minilm.encode(text);
        assertEquals("[CLS]", e.tokens()[0]);
        assertEquals("[SEP]", e.tokens()[e.length() - 1]);
        assertTrue(e.isSpecial(0) && e.isSpecial(e.length() - 1));
        int cafe = java.util.Arrays.asList(e.tokens()).indexOf("cafe");
        assertEquals("Café", text.substring(e.start()[cafe], e.end()[cafe]));
        for (int i = 1; i < e.length() - 1; i++) {
            String piece = e.tokens()[i].replace("##", "");
            String source = text.substring(e.start()[i], e.end()[i]);
            assertEquals(
                    piece,
                    java.text.Normalizer.normalize(
                                    source.toLowerCase(java.util.Locale.ROOT), java.text.Normalizer.Form.NFD)
                            .replaceAll("\\p{Mn}", ""),
                    "token " + i);
        }
    }

    @Test
    void continuationPiecesShareTheWordOfTheirFirstPiece() {
        Encoding e = minilm.encode("unbelievably");
        assertTrue(e.length() > 3, "expected a word split into pieces");
        for (int i = 1; i < e.length() - 1; i++) {
            assertEquals(0, e.wordIds()[i]);
            assertEquals(i > 1, e.tokens()[i].startsWith("##"));
        }
    }

    @Test
    void chineseCharactersAreSingleTokensWithTheirOwnOffsets() {
        String text = "打开客厅的灯";
        Encoding e = bgeZh.encode(text);
        assertEquals(text.length() + 2, e.length());
        for (int i = 1; i <= text.length(); i++) {
            assertEquals(String.valueOf(text.charAt(i - 1)), text.substring(e.start()[i], e.end()[i]));
        }
    }

    @Test
    void truncationKeepsTheSpecialTokens() {
        Encoding full = minilm.encode("one two three four five six seven");
        Encoding cut = minilm.encode("one two three four five six seven", 5);
        assertFalse(full.truncated());
        assertTrue(cut.truncated());
        assertEquals(5, cut.length());
        assertArrayEquals(new int[] {full.ids()[0], full.ids()[1], full.ids()[2], full.ids()[3], 102}, cut.ids());
        assertThrows(IllegalArgumentException.class, () -> minilm.encode("x", 1));
    }

    @Test
    void refusesModelsItDoesNotImplement() {
        String bpe = "{\"model\":{\"type\":\"BPE\",\"vocab\":{}}}";
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Tokenizers.fromJson(new ByteArrayInputStream(bpe.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("BPE"), e.getMessage());
    }
}
