package io.edgeai.gateway.osgi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Builds model bundles in memory from the committed model, with a changed descriptor or file. */
final class ModelBundles {
    static final Path MODEL_DIR = Path.of(System.getProperty("edgeai.model.dir"));

    private ModelBundles() {
    }

    static String descriptor() throws IOException {
        return Files.readString(MODEL_DIR.resolve("model.json"));
    }

    static byte[] onnx() throws IOException {
        try (var files = Files.list(MODEL_DIR)) {
            Path onnx = files.filter(p -> p.toString().endsWith(".onnx")).findFirst().orElseThrow();
            return Files.readAllBytes(onnx);
        }
    }

    static String onnxName() throws IOException {
        try (var files = Files.list(MODEL_DIR)) {
            return files.filter(p -> p.toString().endsWith(".onnx")).findFirst().orElseThrow().getFileName()
                    .toString();
        }
    }

    /**
     * @param symbolicName bundle symbolic name
     * @param version bundle version
     * @param descriptor descriptor JSON
     * @param onnx model bytes
     * @return a bundle jar
     */
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

    /** @return the committed descriptor with another version */
    static String withVersion(String descriptor, String version) {
        return descriptor.replaceFirst("\"version\"\\s*:\\s*\"[^\"]+\"", "\"version\": \"" + version + "\"");
    }
}
