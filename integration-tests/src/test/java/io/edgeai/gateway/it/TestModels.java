package io.edgeai.gateway.it;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ops4j.pax.exam.Option;

/**
 * Model bundles made in the test from the shipped model ({@code edgeai.model.dir}): the same ONNX file and
 * descriptor, re-packaged with another version, or broken on purpose.
 */
final class TestModels {
    private TestModels() {}

    /** @return the options that hand the model directory and the build's signing key to the test in the container */
    static List<Option> options() {
        return List.of(
                systemProperty("edgeai.model.dir").value(System.getProperty("edgeai.model.dir")),
                systemProperty("edgeai.model.signing.key").value(System.getProperty("edgeai.model.signing.key")));
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
            return files.filter(p -> p.toString().endsWith(".onnx"))
                    .findFirst()
                    .orElseThrow()
                    .getFileName()
                    .toString();
        }
    }

    /** @return the shipped descriptor with another version */
    static String withVersion(String descriptor, String version) {
        return descriptor.replaceFirst("\"version\"\\s*:\\s*\"[^\"]+\"", "\"version\": \"" + version + "\"");
    }

    /** @return the descriptor with one property of its {@code properties} set to another value */
    static String withProperty(String descriptor, String key, String value) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*\"[^\"]*\"")
                .matcher(descriptor);
        if (!m.find()) {
            throw new IllegalArgumentException("descriptor has no property " + key);
        }
        return m.replaceFirst(Matcher.quoteReplacement("\"" + key + "\": \"" + value + "\""));
    }

    /** @return a model bundle with the shipped ONNX file and this descriptor, signed with the build's key */
    static byte[] signed(String symbolicName, String version, String descriptor) throws Exception {
        return bundle(symbolicName, version, descriptor, onnx(), signature(buildKey(), descriptor, onnx()));
    }

    /** @return the shipped model as a bundle of the given version, signed with the build's key */
    static byte[] version(String symbolicName, String version) throws Exception {
        String d = withVersion(descriptor(), version);
        return bundle(symbolicName, version, d, onnx(), signature(buildKey(), d, onnx()));
    }

    /**
     * @return the key the build signed the shipped model bundles with and the distribution trusts
     *         ({@code edgeai.model.signing.key}, written by tools/sign-model)
     */
    static KeyPair buildKey() throws Exception {
        String text = Files.readString(Path.of(System.getProperty("edgeai.model.signing.key")));
        KeyFactory kf = KeyFactory.getInstance("Ed25519");
        return new KeyPair(
                kf.generatePublic(new X509EncodedKeySpec(pem(text, "PUBLIC KEY"))),
                kf.generatePrivate(new PKCS8EncodedKeySpec(pem(text, "PRIVATE KEY"))));
    }

    private static byte[] pem(String text, String kind) {
        int start = text.indexOf("-----BEGIN " + kind + "-----") + kind.length() + 16;
        return Base64.getMimeDecoder().decode(text.substring(start, text.indexOf("-----END " + kind + "-----")));
    }

    /**
     * Signs as tools/sign-model does: Ed25519 over {@code "edgeai-model-signature-v1\n" +
     * hex(sha256(descriptor)) + "\n" + hex(sha256(model)) + "\n"}.
     *
     * @return the content of {@code model/model.json.sig}
     */
    static byte[] signature(KeyPair key, String descriptor, byte[] onnx) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        HexFormat hex = HexFormat.of();
        String message =
                "edgeai-model-signature-v1\n" + hex.formatHex(sha.digest(descriptor.getBytes(StandardCharsets.UTF_8)))
                        + "\n" + hex.formatHex(sha.digest(onnx)) + "\n";
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key.getPrivate());
        s.update(message.getBytes(StandardCharsets.UTF_8));
        String keyId = hex.formatHex(sha.digest(key.getPublic().getEncoded())).substring(0, 16);
        return ("{\"algorithm\":\"Ed25519\",\"key\":\"" + keyId + "\",\"signature\":\""
                        + Base64.getEncoder().encodeToString(s.sign()) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The shipped sentence encoder ({@code edgeai.encoder.jar}, all-minilm-l6-v2-q) as a bundle of another
     * version: the same ONNX file and tokenizer, the descriptor with that version, signed with the build's key.
     */
    static byte[] encoderVersion(String symbolicName, String version) throws Exception {
        return encoderAs("edgeai.encoder.jar", null, symbolicName, version);
    }

    /**
     * A shipped encoder bundle's files as a bundle of another model name and version, signed with the build's key.
     *
     * @param jarProperty system property naming the shipped bundle's jar
     * @param name the model name it takes, {@code null} to keep its own
     */
    static byte[] encoderAs(String jarProperty, String name, String symbolicName, String version) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (JarInputStream in = new JarInputStream(Files.newInputStream(Path.of(System.getProperty(jarProperty))))) {
            for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                if (!e.isDirectory() && e.getName().startsWith("model/")) {
                    files.put(e.getName(), in.readAllBytes());
                }
            }
        }
        files.remove("model/model.json.sig");
        String d = withVersion(new String(files.remove("model/model.json"), StandardCharsets.UTF_8), version);
        if (name != null) {
            // the descriptor's first "name" is the model's (the tensors' names come later)
            d = d.replaceFirst("\"name\"\\s*:\\s*\"[^\"]+\"", "\"name\": \"" + name + "\"");
        }
        Matcher m = Pattern.compile("\"file\"\\s*:\\s*\"([^\"]+)\"").matcher(d);
        if (!m.find()) {
            throw new IllegalStateException("the encoder's descriptor names no file");
        }
        byte[] sig = signature(buildKey(), d, files.get("model/" + m.group(1)));
        files.put("model/model.json", d.getBytes(StandardCharsets.UTF_8));
        files.put("model/model.json.sig", sig);
        return jar(symbolicName, version, files);
    }

    /**
     * @param signature content of {@code model/model.json.sig}, {@code null} for an unsigned bundle
     * @return a model bundle jar with this descriptor and ONNX file
     */
    static byte[] bundle(String symbolicName, String version, String descriptor, byte[] onnx, byte[] signature)
            throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("model/model.json", descriptor.getBytes(StandardCharsets.UTF_8));
        files.put("model/" + onnxName(), onnx);
        if (signature != null) {
            files.put("model/model.json.sig", signature);
        }
        return jar(symbolicName, version, files);
    }

    /** @return a model bundle jar: the manifest headers of a model bundle, then {@code files} in order */
    private static byte[] jar(String symbolicName, String version, Map<String, byte[]> files) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Bundle-Version", version);
        a.putValue("EdgeAI-Model", "model/model.json");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, mf)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                jar.putNextEntry(new JarEntry(f.getKey()));
                jar.write(f.getValue());
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
