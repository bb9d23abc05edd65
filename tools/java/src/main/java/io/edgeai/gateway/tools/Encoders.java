package io.edgeai.gateway.tools;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;

import io.edgeai.gateway.onnx.internal.DescriptorReader;
import io.edgeai.gateway.onnx.internal.ModelDescriptor;
import io.edgeai.gateway.onnx.internal.OrtModelRunner;
import io.edgeai.gateway.onnx.internal.OrtTextEncoder;
import io.edgeai.gateway.onnx.internal.RunnerSettings;

/** Loads a shipped encoder model bundle from the class path, checked like the gateway does. */
final class Encoders {
    private Encoders() {
    }

    /**
     * @param modelName descriptor name, e.g. {@code all-minilm-l6-v2-q}
     * @return the loaded encoder
     */
    static OrtTextEncoder load(String modelName) {
        return load(modelName, RunnerSettings.DEFAULT);
    }

    /**
     * @param modelName descriptor name, e.g. {@code all-minilm-l6-v2-q}
     * @param settings threads and provider of the session
     * @return the loaded encoder
     */
    static OrtTextEncoder load(String modelName, RunnerSettings settings) {
        try {
            for (URL url : Collections.list(Encoders.class.getClassLoader().getResources("model/model.json"))) {
                byte[] json = read(url);
                ModelDescriptor d = DescriptorReader.read(new ByteArrayInputStream(json));
                if (d.name().equals(modelName) && d.isTextEncoder()) {
                    return OrtTextEncoder.load(d, read(new URL(url, d.file())), read(new URL(url, d.tokenizer())),
                            settings, url.toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException("no encoder model " + modelName + " on the class path");
    }

    /**
     * @param modelName descriptor name of a plain (float tensor) model, e.g. {@code intent-clinc150}
     * @return the loaded model, checked like the gateway does
     */
    static OrtModelRunner model(String modelName) {
        try {
            for (URL url : Collections.list(Encoders.class.getClassLoader().getResources("model/model.json"))) {
                byte[] json = read(url);
                ModelDescriptor d = DescriptorReader.read(new ByteArrayInputStream(json));
                if (d.name().equals(modelName) && !d.isTextEncoder()) {
                    return OrtModelRunner.load(d, read(new URL(url, d.file())), RunnerSettings.DEFAULT, url.toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException("no model " + modelName + " on the class path");
    }

    private static byte[] read(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        }
    }
}
