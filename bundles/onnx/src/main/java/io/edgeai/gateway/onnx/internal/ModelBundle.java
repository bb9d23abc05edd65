package io.edgeai.gateway.onnx.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;

import org.osgi.framework.Bundle;
import org.osgi.framework.Version;

import io.edgeai.gateway.api.EdgeAiConstants;

/**
 * A bundle carrying a model: its descriptor, read once, and access to the ONNX bytes.
 *
 * @param bundle the model bundle
 * @param descriptorPath bundle path of the descriptor (value of the {@code EdgeAI-Model} header)
 * @param descriptor the parsed descriptor, {@code null} when unreadable
 * @param error why the descriptor is unreadable, {@code null} when fine
 * @param descriptorBytes the descriptor as stored, for the signature check; empty when unreadable
 * @param signature the descriptor's {@code .sig} file, {@code null} when the bundle has none
 */
record ModelBundle(
        Bundle bundle,
        String descriptorPath,
        ModelDescriptor descriptor,
        String error,
        byte[] descriptorBytes,
        byte[] signature) {

    static ModelBundle of(Bundle bundle) {
        String path = bundle.getHeaders("").get(EdgeAiConstants.MODEL_HEADER).trim();
        URL url = bundle.getEntry(path);
        if (url == null) {
            return new ModelBundle(
                    bundle, path, null, "descriptor " + path + " not found in bundle", new byte[0], null);
        }
        byte[] bytes;
        try (InputStream in = url.openStream()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            return new ModelBundle(bundle, path, null, e.getMessage(), new byte[0], null);
        }
        byte[] sig = null;
        URL sigUrl = bundle.getEntry(path + ".sig");
        if (sigUrl != null) {
            try (InputStream in = sigUrl.openStream()) {
                sig = in.readAllBytes();
            } catch (IOException e) {
                sig = new byte[0];
            }
        }
        try {
            return new ModelBundle(
                    bundle, path, DescriptorReader.read(new java.io.ByteArrayInputStream(bytes)), null, bytes, sig);
        } catch (ModelLoadException e) {
            return new ModelBundle(bundle, path, null, e.getMessage(), bytes, sig);
        }
    }

    String name() {
        return descriptor != null ? descriptor.name() : bundle.getSymbolicName();
    }

    Version version() {
        try {
            return descriptor != null ? Version.parseVersion(descriptor.version()) : bundle.getVersion();
        } catch (IllegalArgumentException e) {
            return Version.emptyVersion;
        }
    }

    String versionText() {
        return descriptor != null ? descriptor.version() : bundle.getVersion().toString();
    }

    /**
     * @param dir where to put a copy of the model file for ONNX Runtime to read; {@code null}: keep it in memory
     * @return the model; the caller {@linkplain ModelSource#discard() discards} it after loading
     */
    ModelSource model(Path dir) {
        int slash = descriptorPath.lastIndexOf('/');
        String path = (slash < 0 ? "" : descriptorPath.substring(0, slash + 1)) + descriptor.file();
        URL url = bundle.getEntry(path);
        if (url == null) {
            throw new ModelLoadException("model file " + path + " not found in bundle");
        }
        try {
            if (dir != null) {
                return ModelSource.copyToFile(url.openStream(), dir);
            }
            try (InputStream in = url.openStream()) {
                return ModelSource.of(in.readAllBytes());
            }
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model file " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param file path relative to the descriptor, e.g. the tokenizer of a text encoder
     * @return the file's bytes
     */
    byte[] resourceBytes(String file) {
        int slash = descriptorPath.lastIndexOf('/');
        String path = (slash < 0 ? "" : descriptorPath.substring(0, slash + 1)) + file;
        URL url = bundle.getEntry(path);
        if (url == null) {
            throw new ModelLoadException("file " + path + " not found in bundle");
        }
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    String location() {
        return bundle.getLocation();
    }
}
