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

    private ModelBundles() {}

    static String descriptor() throws IOException {
        return Files.readString(MODEL_DIR.resolve("model.json"));
    }

    static byte[] onnx() throws IOException {
        try (var files = Files.list(MODEL_DIR)) {
            Path onnx = files.filter(p -> p.toString().endsWith(".onnx"))
                    .findFirst()
                    .orElseThrow();
            return Files.readAllBytes(onnx);
        }
    }

    static String onnxName() throws IOException {
        try (var files = Files.list(MODEL_DIR)) {
            return files.filter(p -> p.toString().endsWith(".onnx"))
                    .findFirst()
                    .orElseThrow()
                    .getFileName()
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
        return bundle(symbolicName, version, descriptor, onnx, null);
    }

    /**
     * Signs a descriptor and model as tools/sign-model does: Ed25519 over
     * {@code "edgeai-model-signature-v1\n" + hex(sha256(descriptor)) + "\n" + hex(sha256(model)) + "\n"}.
     *
     * @return the content of {@code model/model.json.sig}
     */
    static byte[] signature(java.security.KeyPair key, String descriptor, byte[] onnx)
            throws java.security.GeneralSecurityException {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        java.util.HexFormat hex = java.util.HexFormat.of();
        String message =
                "edgeai-model-signature-v1\n" + hex.formatHex(sha.digest(descriptor.getBytes(StandardCharsets.UTF_8)))
                        + "\n" + hex.formatHex(sha.digest(onnx)) + "\n";
        java.security.Signature s = java.security.Signature.getInstance("Ed25519");
        s.initSign(key.getPrivate());
        s.update(message.getBytes(StandardCharsets.UTF_8));
        String keyId = hex.formatHex(sha.digest(key.getPublic().getEncoded())).substring(0, 16);
        return ("{\"algorithm\":\"Ed25519\",\"key\":\"" + keyId + "\",\"signature\":\""
                        + java.util.Base64.getEncoder().encodeToString(s.sign()) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param signature content of {@code model/model.json.sig}, {@code null} for an unsigned bundle
     * @return a bundle jar
     */
    static byte[] bundle(String symbolicName, String version, String descriptor, byte[] onnx, byte[] signature)
            throws IOException {
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
            if (signature != null) {
                jar.putNextEntry(new JarEntry("model/model.json.sig"));
                jar.write(signature);
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** @return the committed descriptor with another version */
    static String withVersion(String descriptor, String version) {
        return descriptor.replaceFirst("\"version\"\\s*:\\s*\"[^\"]+\"", "\"version\": \"" + version + "\"");
    }
}
