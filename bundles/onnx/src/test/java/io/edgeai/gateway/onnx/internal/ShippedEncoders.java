package io.edgeai.gateway.onnx.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;

/** Reads the shipped encoder model bundles (test dependencies) from the class path. */
final class ShippedEncoders {
    static final String MINILM = "edgeai-model-minilm-l6-v2-q";
    static final String BGE_ZH = "edgeai-model-bge-small-zh-v15-q";

    private ShippedEncoders() {}

    static URL descriptorUrl(String artifact) {
        try {
            return Collections.list(ShippedEncoders.class.getClassLoader().getResources("model/model.json")).stream()
                    .filter(u -> u.toString().contains(artifact))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(artifact + " is not on the test class path"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String descriptorJson(String artifact) {
        return new String(bytes(descriptorUrl(artifact), "model.json"), StandardCharsets.UTF_8);
    }

    static byte[] bytes(URL descriptor, String sibling) {
        try (InputStream in = new URL(descriptor, sibling).openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static OrtTextEncoder load(String artifact, String json) {
        URL url = descriptorUrl(artifact);
        ModelDescriptor d =
                DescriptorReader.read(new java.io.ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        return OrtTextEncoder.load(
                d, bytes(url, d.file()), bytes(url, d.tokenizer()), RunnerSettings.DEFAULT, url.toString());
    }

    static OrtTextEncoder load(String artifact) {
        return load(artifact, descriptorJson(artifact));
    }
}
