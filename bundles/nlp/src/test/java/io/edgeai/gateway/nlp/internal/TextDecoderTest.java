package io.edgeai.gateway.nlp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.edgeai.gateway.nlp.internal.decode.RejectedTextException;
import io.edgeai.gateway.nlp.internal.decode.TextDecoder;

class TextDecoderTest {
    private final TextDecoder decoder = new TextDecoder("text", 20);

    private String decode(String s) throws RejectedTextException {
        return decoder.decode(s.getBytes(StandardCharsets.UTF_8));
    }

    private String code(byte[] b) {
        return assertThrows(RejectedTextException.class, () -> decoder.decode(b))
                .code();
    }

    private String code(String s) {
        return code(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsJsonAndPlainText() throws RejectedTextException {
        assertEquals("turn on the lights", decode("{\"text\":\" turn on the lights \"}"));
        assertEquals("打开灯", decode("打开灯\n"));
        assertEquals("a {brace} inside", decode("a {brace} inside"));
    }

    @Test
    void rejectsWithACodePerReason() {
        assertEquals("not-json", code("{\"text\": \"x\""));
        assertEquals("missing-field", code("{\"words\":\"x\"}"));
        assertEquals("wrong-type", code("{\"text\":42}"));
        assertEquals("empty", code("   "));
        assertEquals("empty", code("{\"text\":\"  \"}"));
        assertEquals("too-long", code("x".repeat(21)));
        assertEquals("not-utf8", code(new byte[] {'h', (byte) 0xC3, (byte) 0x28}));
    }
}
