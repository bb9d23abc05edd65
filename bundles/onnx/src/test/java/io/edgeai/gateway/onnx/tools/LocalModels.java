package io.edgeai.gateway.onnx.tools;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;

import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.onnx.internal.DescriptorReader;
import io.edgeai.gateway.onnx.internal.ModelDescriptor;
import io.edgeai.gateway.onnx.internal.OrtModelRunner;
import io.edgeai.gateway.onnx.internal.OrtSessionModel;
import io.edgeai.gateway.onnx.internal.OrtTextEncoder;
import io.edgeai.gateway.onnx.internal.RunnerSettings;
import io.edgeai.gateway.tokenize.Tokenizer;
import io.edgeai.gateway.tokenize.Tokenizers;

/**
 * Loads models outside the framework for the command-line tools and tests of other bundles, checked like the
 * gateway's model extender checks them (checksum, tensors, test vector when present), and hands them out as
 * the API types {@link ModelRunner} and {@link TextEncoder}, so that no caller needs this bundle's internal
 * classes. Shipped models are found on the class path (the model bundles as test dependencies); the models
 * stay open until {@link #close()}:
 *
 * <pre>
 * try (LocalModels models = new LocalModels()) {
 *     ModelRunner head = models.model("intent-clinc150");
 *     TextEncoder encoder = models.encoder("minilm-l6-clinc150-q");
 *     ...
 * }
 * </pre>
 *
 * Part of this bundle's test jar, never of the bundle.
 */
public final class LocalModels implements AutoCloseable {
    private static final String DESCRIPTOR = "model/model.json";

    private final Deque<OrtSessionModel> open = new ArrayDeque<>();

    /**
     * @param modelName descriptor name of a shipped text encoder, e.g. {@code all-minilm-l6-v2-q}
     * @return the loaded encoder: one thread per session, as the gateway's default
     */
    public TextEncoder encoder(String modelName) {
        return encoder(modelName, RunnerSettings.DEFAULT.intraOpThreads());
    }

    /**
     * @param modelName descriptor name of a shipped text encoder, e.g. {@code all-minilm-l6-v2-q}
     * @param intraOpThreads ONNX Runtime threads per {@code session.run} (otherwise the gateway's defaults)
     * @return the loaded encoder
     */
    public TextEncoder encoder(String modelName, int intraOpThreads) {
        RunnerSettings defaults = RunnerSettings.DEFAULT;
        RunnerSettings settings = new RunnerSettings(
                intraOpThreads, defaults.interOpThreads(), defaults.provider(), defaults.warmupRuns());
        URL url = shipped(modelName, true);
        ModelDescriptor d = descriptor(url);
        return keep(OrtTextEncoder.load(
                d, read(sibling(url, d.file())), read(sibling(url, d.tokenizer())), settings, url.toString()));
    }

    /**
     * @param dir a folder holding a text encoder's {@code model.json} and the files it names (a model
     *        bundle's {@code model} folder, or one written by the training scripts)
     * @return the loaded encoder
     */
    public TextEncoder encoderFromDir(Path dir) {
        try {
            ModelDescriptor d =
                    DescriptorReader.read(new ByteArrayInputStream(Files.readAllBytes(dir.resolve("model.json"))));
            if (!d.isTextEncoder()) {
                throw new IllegalArgumentException(dir + "/model.json does not describe a text encoder");
            }
            return keep(OrtTextEncoder.load(
                    d,
                    Files.readAllBytes(dir.resolve(d.file())),
                    Files.readAllBytes(dir.resolve(d.tokenizer())),
                    RunnerSettings.DEFAULT,
                    dir.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param modelName descriptor name of a shipped plain (float tensor) model, e.g. {@code intent-clinc150}
     * @return the loaded model
     */
    public ModelRunner model(String modelName) {
        URL url = shipped(modelName, false);
        ModelDescriptor d = descriptor(url);
        return keep(OrtModelRunner.load(d, read(sibling(url, d.file())), RunnerSettings.DEFAULT, url.toString()));
    }

    /**
     * @param descriptorJson a plain model's {@code model.json}, next to the files it names
     * @return the loaded model
     */
    public ModelRunner model(Path descriptorJson) {
        return keep(OrtModelRunner.load(descriptorJson));
    }

    /**
     * @param modelName descriptor name of a shipped model
     * @return its ONNX file as shipped, for callers that run it without the gateway's runtime
     */
    public static byte[] onnxFile(String modelName) {
        for (URL url : descriptors()) {
            ModelDescriptor d = descriptor(url);
            if (d.name().equals(modelName)) {
                return read(sibling(url, d.file()));
            }
        }
        throw new IllegalArgumentException("no model " + modelName + " on the class path");
    }

    /**
     * @param modelName descriptor name of a shipped text encoder
     * @return its tokenizer, as the gateway builds it from the bundle's {@code tokenizer.json}
     */
    public static Tokenizer tokenizer(String modelName) {
        URL url = shipped(modelName, true);
        try (InputStream in = sibling(url, descriptor(url).tokenizer()).openStream()) {
            return Tokenizers.fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes every model loaded here, the last loaded first. */
    @Override
    public void close() {
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }

    private <T extends OrtSessionModel> T keep(T model) {
        open.push(model);
        return model;
    }

    private static URL shipped(String modelName, boolean textEncoder) {
        for (URL url : descriptors()) {
            ModelDescriptor d = descriptor(url);
            if (d.name().equals(modelName) && d.isTextEncoder() == textEncoder) {
                return url;
            }
        }
        throw new IllegalArgumentException(
                "no " + (textEncoder ? "encoder " : "") + "model " + modelName + " on the class path");
    }

    private static Iterable<URL> descriptors() {
        try {
            return Collections.list(LocalModels.class.getClassLoader().getResources(DESCRIPTOR));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ModelDescriptor descriptor(URL url) {
        return DescriptorReader.read(new ByteArrayInputStream(read(url)));
    }

    private static URL sibling(URL descriptor, String file) {
        try {
            return new URL(descriptor, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(URL url) {
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
