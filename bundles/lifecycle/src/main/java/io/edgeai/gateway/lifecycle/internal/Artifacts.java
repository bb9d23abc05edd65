package io.edgeai.gateway.lifecycle.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.edgeai.gateway.api.EdgeAiConstants;

/** Fetches a deploy artifact ({@code mvn:} or {@code file:} only), checks its SHA-256 and that it is a model bundle. */
final class Artifacts {
    private Artifacts() {}

    /**
     * What a fetched model bundle says of itself.
     *
     * @param modelName the model name its descriptor declares, empty when unreadable
     * @param modelVersion the version its model descriptor declares, empty when unreadable (the extender
     *        will refuse it with the reason)
     */
    record ModelJar(byte[] bytes, String symbolicName, String version, String modelName, String modelVersion) {}

    /**
     * @param artifact {@code mvn:} coordinate or {@code file:} URL
     * @param sha256 expected hex SHA-256
     * @param maxBytes size bound
     * @return the checked bytes and the bundle's identity
     * @throws CommandRefused with the reason when any check fails
     */
    static ModelJar fetch(String artifact, String sha256, long maxBytes) throws CommandRefused {
        if (!artifact.startsWith("mvn:") && !artifact.startsWith("file:")) {
            throw new CommandRefused(
                    "artifact must be a mvn: coordinate or a file: URL, not '" + scheme(artifact) + "'");
        }
        if (!sha256.matches("[0-9a-fA-F]{64}")) {
            throw new CommandRefused("sha256 must be 64 hex digits");
        }
        byte[] bytes = read(artifact, maxBytes);
        String actual = HexFormat.of().formatHex(sha256().digest(bytes));
        if (!actual.equalsIgnoreCase(sha256)) {
            throw new CommandRefused("sha256 mismatch: the artifact has " + actual + ", the command says "
                    + sha256.toLowerCase(java.util.Locale.ROOT));
        }
        try (JarInputStream jar = new JarInputStream(new ByteArrayInputStream(bytes))) {
            Manifest mf = jar.getManifest();
            if (mf == null || mf.getMainAttributes().getValue(EdgeAiConstants.MODEL_HEADER) == null) {
                throw new CommandRefused("artifact is not a model bundle (no " + EdgeAiConstants.MODEL_HEADER
                        + " header): only model bundles are deployed remotely");
            }
            String bsn = mf.getMainAttributes().getValue("Bundle-SymbolicName");
            if (bsn == null) {
                throw new CommandRefused("artifact is not a bundle (no Bundle-SymbolicName)");
            }
            String version = mf.getMainAttributes().getValue("Bundle-Version");
            String descriptor = mf.getMainAttributes()
                    .getValue(EdgeAiConstants.MODEL_HEADER)
                    .trim();
            JsonNode d = MissingNode.getInstance();
            for (java.util.jar.JarEntry e = jar.getNextJarEntry(); e != null; e = jar.getNextJarEntry()) {
                if (e.getName().equals(descriptor)) {
                    d = descriptor(jar.readNBytes(4 * 1024 * 1024));
                    break;
                }
            }
            return new ModelJar(
                    bytes,
                    bsn.split(";")[0].trim(),
                    version == null ? "0.0.0" : version.trim(),
                    d.path("name").asText(""),
                    d.path("version").asText(""));
        } catch (IOException e) {
            throw new CommandRefused("artifact is not a jar: " + e.getMessage());
        }
    }

    private static JsonNode descriptor(byte[] json) {
        try {
            JsonNode n = new ObjectMapper().readTree(json);
            return n == null ? MissingNode.getInstance() : n;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    private static byte[] read(String artifact, long maxBytes) throws CommandRefused {
        URL url;
        try {
            url = new URL(artifact);
        } catch (MalformedURLException e) {
            throw new CommandRefused("artifact cannot be fetched: " + e.getMessage());
        }
        try (InputStream in = url.openStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            long total = 0;
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                total += n;
                if (total > maxBytes) {
                    throw new CommandRefused("artifact is larger than " + maxBytes + " bytes (maxArtifactBytes)");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new CommandRefused("artifact cannot be fetched: " + e);
        }
    }

    private static String scheme(String artifact) {
        int colon = artifact.indexOf(':');
        return colon < 0 ? artifact : artifact.substring(0, colon + 1);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
