package io.edgeai.gateway.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.edgeai.gateway.api.InferenceException;
import io.edgeai.gateway.api.TokenEmbeddings;

/** The shipped int8 encoders through ONNX Runtime: pooling, batching, checks that refuse bad descriptors. */
class OrtTextEncoderTest {

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void miniLmMeanPoolsNormalisesAndSeparatesMeaning() {
        try (OrtTextEncoder enc = ShippedEncoders.load(ShippedEncoders.MINILM)) {
            assertEquals("all-minilm-l6-v2-q@1.0.0", enc.info().id());
            assertEquals(384, enc.dimension());
            float[] lights = enc.embed("turn on the kitchen lights");
            assertEquals(1.0, dot(lights, lights), 1e-4);
            double similar = dot(lights, enc.embed("switch the light on in the kitchen"));
            double unrelated = dot(lights, enc.embed("what is the capital of france"));
            assertTrue(similar > unrelated + 0.3, "similar " + similar + " vs unrelated " + unrelated);

            // the pooled vector is the normalised mean of the per-token vectors
            TokenEmbeddings tokens = enc.embedTokens("turn on the kitchen lights");
            assertEquals(tokens.encoding().length(), tokens.vectors().length);
            float[] mean = new float[384];
            for (float[] row : tokens.vectors()) {
                for (int i = 0; i < 384; i++) {
                    mean[i] += row[i] / tokens.vectors().length;
                }
            }
            Pooling.normalize(mean);
            assertArrayEquals(lights, mean, 1e-4f);

            // a text's embedding does not depend on the other texts of the call
            float[][] batch = enc.embed(List.of(
                    "turn on the kitchen lights",
                    "a much longer sentence that forces " + "the first one to be padded with many tokens"));
            assertArrayEquals(lights, batch[0], 1e-4f);
        }
    }

    @Test
    void bgeChineseUsesTheClsTokenAndTruncatesLongText() {
        try (OrtTextEncoder enc = ShippedEncoders.load(ShippedEncoders.BGE_ZH)) {
            assertEquals(512, enc.dimension());
            float[] v = enc.embed("打开客厅的灯");
            float[] cls = enc.embedTokens("打开客厅的灯").vectors()[0].clone();
            Pooling.normalize(cls);
            assertArrayEquals(v, cls, 1e-4f);
            assertTrue(dot(v, enc.embed("把客厅的灯打开")) > dot(v, enc.embed("明天北京的天气怎么样")));
            assertEquals(128, enc.encode("灯".repeat(500)).length());
            assertEquals(512, enc.embed("灯".repeat(500)).length);
        }
    }

    @Test
    void refusesATestTextTheTokenizerDoesNotReproduce() {
        String json = ShippedEncoders.descriptorJson(ShippedEncoders.MINILM)
                .replace("[\n      [\n        101,\n        2735", "[\n      [\n        101,\n        2736");
        ModelLoadException e =
                assertThrows(ModelLoadException.class, () -> ShippedEncoders.load(ShippedEncoders.MINILM, json));
        assertTrue(e.getMessage().contains("tokenizer turns"), e.getMessage());
    }

    @Test
    void refusesWrongPoolingWrongDimensionAndAWrongTestVector() {
        String json = ShippedEncoders.descriptorJson(ShippedEncoders.MINILM);
        assertTrue(assertThrows(
                        ModelLoadException.class,
                        () -> ShippedEncoders.load(
                                ShippedEncoders.MINILM, json.replace("\"pooling\": \"mean\"", "\"pooling\": \"max\"")))
                .getMessage()
                .contains("pooling"));
        assertTrue(assertThrows(
                        ModelLoadException.class,
                        () -> ShippedEncoders.load(ShippedEncoders.MINILM, json.replace("384\n", "768\n")))
                .getMessage()
                .contains("shape"));
        assertTrue(assertThrows(
                        ModelLoadException.class,
                        () -> ShippedEncoders.load(ShippedEncoders.MINILM, json.replace("0.021707933", "0.521707933")))
                .getMessage()
                .contains("test vector mismatch"));
    }

    @Test
    void refusesAnUnusableTokenizer() {
        java.net.URL url = ShippedEncoders.descriptorUrl(ShippedEncoders.MINILM);
        ModelDescriptor d = DescriptorReader.read(new ByteArrayInputStream(
                ShippedEncoders.descriptorJson(ShippedEncoders.MINILM).getBytes(StandardCharsets.UTF_8)));
        byte[] onnx = ShippedEncoders.bytes(url, d.file());
        ModelLoadException e = assertThrows(
                ModelLoadException.class,
                () -> OrtTextEncoder.load(
                        d,
                        onnx,
                        "{\"model\":{\"type\":\"Unigram\"}}".getBytes(StandardCharsets.UTF_8),
                        RunnerSettings.DEFAULT,
                        "test"));
        assertTrue(e.getMessage().contains("tokenizer tokenizer.json is not usable"), e.getMessage());
    }

    @Test
    void closedEncoderRefusesWork() {
        OrtTextEncoder enc = ShippedEncoders.load(ShippedEncoders.MINILM);
        enc.close();
        assertThrows(InferenceException.class, () -> enc.embed("hello"));
    }

    @Test
    void readsLabelsAndTokenizerFields() {
        String json = """
                {"name":"h","version":"1.0.0","file":"h.onnx","sha256":"%s","labels":["a","oos"],
                 "tokenizer":"tokenizer.json","inputs":[{"name":"x","shape":[-1,4]}],
                 "outputs":[{"name":"y","shape":[-1,2]}]}""".formatted("0".repeat(64));
        ModelDescriptor d = DescriptorReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("a", "oos"), d.labels());
        assertEquals("tokenizer.json", d.tokenizer());
        String dup = json.replace("[\"a\",\"oos\"]", "[\"a\",\"a\"]");
        assertThrows(
                ModelLoadException.class,
                () -> DescriptorReader.read(new ByteArrayInputStream(dup.getBytes(StandardCharsets.UTF_8))));
    }
}
