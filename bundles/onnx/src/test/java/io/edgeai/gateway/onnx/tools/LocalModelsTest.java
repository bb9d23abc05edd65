package io.edgeai.gateway.onnx.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.edgeai.gateway.api.InferenceException;
import io.edgeai.gateway.api.TextEncoder;

/** What the tools of other bundles rely on: shipped models found by name, and closed with the holder. */
class LocalModelsTest {
    private static final String MINILM = "all-minilm-l6-v2-q";

    @Test
    void loadsAShippedEncoderByNameWithTheTokenizerItServesWith() {
        try (LocalModels models = new LocalModels()) {
            TextEncoder enc = models.encoder(MINILM);
            assertEquals(MINILM, enc.info().name());
            assertEquals(384, enc.embed("turn on the lights").length);
            String text = "Turn on the kitchen lights, please!";
            assertArrayEquals(
                    enc.encode(text).ids(),
                    LocalModels.tokenizer(MINILM).encode(text).ids());
        }
    }

    @Test
    void closingTheHolderClosesItsModels() {
        TextEncoder enc;
        try (LocalModels models = new LocalModels()) {
            enc = models.encoder(MINILM, 2);
        }
        assertThrows(InferenceException.class, () -> enc.embed("hello"));
    }

    @Test
    void anUnknownOrMistypedNameIsRefused() {
        try (LocalModels models = new LocalModels()) {
            assertThrows(IllegalArgumentException.class, () -> models.encoder("no-such-model"));
            assertThrows(IllegalArgumentException.class, () -> models.model(MINILM));
        }
    }
}
