package io.edgeai.gateway.onnx.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one version of a model from its bundle: copies the file where ONNX Runtime can read it, checks the
 * signature in secure mode, opens, checks and warms up the session. Runs on the extender's loader thread.
 */
final class ModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    private final BundleContext context;
    private final PerModelSettings settings;
    /** Signature checker in secure mode, {@code null} when secure mode is off. */
    private final ModelSignature signatures;

    ModelLoader(BundleContext context, PerModelSettings settings, ModelSignature signatures) {
        this.context = context;
        this.settings = settings;
        this.signatures = signatures;
    }

    /**
     * @return the runner, loaded, checked and warmed up
     * @throws ModelLoadException when the version is refused; the message says why
     */
    LoadedModel load(ModelBundle mb) {
        if (mb.error() != null) {
            throw new ModelLoadException(mb.error());
        }
        long start = System.nanoTime();
        ModelSource model = null;
        try {
            model = mb.model(loadDirectory());
            if (signatures != null) {
                String why = signatures.check(mb.descriptorBytes(), model.sha256(), mb.signature());
                if (why != null) {
                    throw new ModelLoadException(why);
                }
            }
            LoadedModel runner = mb.descriptor().isTextEncoder()
                    ? OrtTextEncoder.load(
                            mb.descriptor(),
                            model,
                            mb.resourceBytes(mb.descriptor().tokenizer()),
                            settings.forModel(mb.name()),
                            mb.location())
                    : OrtModelRunner.load(mb.descriptor(), model, settings.forModel(mb.name()), mb.location());
            LOG.info(
                    "Model {} loaded, checked and warmed up in {} ms on {}",
                    runner.info().id(),
                    (System.nanoTime() - start) / 1_000_000,
                    runner.info().provider());
            return runner;
        } catch (ModelLoadException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new ModelLoadException("unexpected failure: " + e, e);
        } finally {
            if (model != null) {
                model.discard();
            }
        }
    }

    /**
     * @return where model files are copied for ONNX Runtime to read (this bundle's data area), or null to load
     *         them through memory where the framework has no file system for bundles
     */
    private Path loadDirectory() {
        File dir = context.getDataFile("loading");
        return dir == null ? null : dir.toPath();
    }

    /** Deletes copies left by a JVM that died while loading. */
    void clearLoadDirectory() {
        Path dir = loadDirectory();
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            LOG.debug("Cannot clear {}: {}", dir, e.toString());
        }
    }
}
