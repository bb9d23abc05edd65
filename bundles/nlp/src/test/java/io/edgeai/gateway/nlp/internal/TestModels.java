package io.edgeai.gateway.nlp.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.onnx.internal.DescriptorReader;
import io.edgeai.gateway.onnx.internal.ModelDescriptor;
import io.edgeai.gateway.onnx.internal.OrtModelRunner;
import io.edgeai.gateway.onnx.internal.OrtTextEncoder;
import io.edgeai.gateway.onnx.internal.RunnerSettings;

/** The shipped model bundles (test dependencies) loaded once per JVM, checked as the extender does. */
final class TestModels implements ModelLookup {
    static final TestModels ALL = new TestModels();
    private final Map<String, Object> loaded = new ConcurrentHashMap<>();

    private TestModels() {
    }

    @Override
    public TextEncoder encoder(String name) {
        Object m = get(name);
        return m instanceof TextEncoder t ? t : null;
    }

    @Override
    public ModelRunner model(String name) {
        Object m = get(name);
        return m instanceof ModelRunner r ? r : null;
    }

    private Object get(String name) {
        return loaded.computeIfAbsent(name, TestModels::load);
    }

    private static Object load(String name) {
        try {
            for (URL url : Collections.list(TestModels.class.getClassLoader().getResources("model/model.json"))) {
                ModelDescriptor d = DescriptorReader.read(new ByteArrayInputStream(read(url)));
                if (!d.name().equals(name)) {
                    continue;
                }
                byte[] onnx = read(new URL(url, d.file()));
                return d.isTextEncoder()
                        ? OrtTextEncoder.load(d, onnx, read(new URL(url, d.tokenizer())), RunnerSettings.DEFAULT,
                                url.toString())
                        : OrtModelRunner.load(d, onnx, RunnerSettings.DEFAULT, url.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException("no model " + name + " on the test class path");
    }

    private static byte[] read(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        }
    }
}
