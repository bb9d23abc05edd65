package io.edgeai.gateway.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Model bundles made in the test from the shipped model ({@code edgeai.model.dir}): the same ONNX file and
 * descriptor, re-packaged with another version, or broken on purpose.
 */
final class TestModels {
    private TestModels() {
    }

    static Path modelDir() {
        String dir = System.getProperty("edgeai.model.dir");
        if (dir == null) {
            throw new IllegalStateException("system property edgeai.model.dir is not set");
        }
        return Path.of(dir);
    }

    static String descriptor() throws IOException {
        return Files.readString(modelDir().resolve("model.json"));
    }

    static byte[] onnx() throws IOException {
        return Files.readAllBytes(modelDir().resolve(onnxName()));
    }

    static String onnxName() throws IOException {
        try (var files = Files.list(modelDir())) {
            return files.filter(p -> p.toString().endsWith(".onnx")).findFirst().orElseThrow().getFileName()
                    .toString();
        }
    }

    /** @return the shipped descriptor with another version */
    static String withVersion(String descriptor, String version) {
        return descriptor.replaceFirst("\"version\"\\s*:\\s*\"[^\"]+\"", "\"version\": \"" + version + "\"");
    }

    /** @return the shipped model as a bundle of the given version */
    static byte[] version(String symbolicName, String version) throws IOException {
        return bundle(symbolicName, version, withVersion(descriptor(), version), onnx());
    }

    /** @return a model bundle jar with this descriptor and ONNX file */
    static byte[] bundle(String symbolicName, String version, String descriptor, byte[] onnx) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Bundle-Version", version);
        a.putValue("EdgeAI-Model", "model/model.json");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, mf)) {
            jar.putNextEntry(new JarEntry("model/model.json"));
            jar.write(descriptor.getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
            jar.putNextEntry(new JarEntry("model/" + onnxName()));
            jar.write(onnx);
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }
}
