package io.edgeai.gateway.nlp.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

    private TestModels() {}

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
        return loaded.computeIfAbsent(name, n -> load(n, n, null));
    }

    /**
     * A shipped model loaded again under another name and version, as a new version of a model arrives: a
     * separate service (its own session) with the same files.
     *
     * @param shipped name of the shipped model whose files it has
     * @param name the name it takes
     * @param version the version it takes
     * @return a new encoder or runner, the caller closes it
     */
    static Object relabelled(String shipped, String name, String version) {
        return load(shipped, name, version);
    }

    private static Object load(String shipped, String asName, String asVersion) {
        try {
            for (URL url : Collections.list(TestModels.class.getClassLoader().getResources("model/model.json"))) {
                byte[] json = read(url);
                ModelDescriptor d = DescriptorReader.read(new ByteArrayInputStream(json));
                if (!d.name().equals(shipped)) {
                    continue;
                }
                if (asVersion != null) {
                    ObjectNode tree = (ObjectNode) new ObjectMapper().readTree(json);
                    tree.put("name", asName).put("version", asVersion);
                    byte[] relabelled = tree.toString().getBytes(StandardCharsets.UTF_8);
                    d = DescriptorReader.read(new ByteArrayInputStream(relabelled));
                }
                byte[] onnx = read(new URL(url, d.file()));
                return d.isTextEncoder()
                        ? OrtTextEncoder.load(
                                d, onnx, read(new URL(url, d.tokenizer())), RunnerSettings.DEFAULT, url.toString())
                        : OrtModelRunner.load(d, onnx, RunnerSettings.DEFAULT, url.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException("no model " + shipped + " on the test class path");
    }

    private static byte[] read(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        }
    }
}
