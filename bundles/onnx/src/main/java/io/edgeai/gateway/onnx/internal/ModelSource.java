package io.edgeai.gateway.onnx.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * The ONNX file a session is made from, with its SHA-256: either bytes in memory or a file that ONNX
 * Runtime reads itself. Model bundles are loaded through a file so that a 20–100 MB model never passes
 * through the Java heap: a heap that grew to hold it once keeps that size (resident memory) long after.
 *
 * @param bytes the model's bytes, {@code null} for a file
 * @param file the model file, {@code null} for bytes
 * @param sha256 hex SHA-256 of the model
 */
record ModelSource(byte[] bytes, Path file, String sha256) {

    /** @return a source for bytes already in memory */
    static ModelSource of(byte[] bytes) {
        return new ModelSource(bytes, null, OrtModelRunner.sha256(bytes));
    }

    /**
     * Copies a stream into a new file under {@code dir}, hashing it on the way.
     *
     * @param in the model (closed here)
     * @param dir where the file goes (created when missing)
     * @return the source; {@link #discard()} deletes the file
     * @throws IOException when the stream or the file fails; no file is left then
     */
    static ModelSource copyToFile(InputStream in, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "model-", ".onnx");
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
        try (InputStream digesting = new DigestInputStream(in, sha);
                OutputStream out = Files.newOutputStream(file)) {
            digesting.transferTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return new ModelSource(null, file, HexFormat.of().formatHex(sha.digest()));
    }

    /** @return a new session on this model */
    OrtSession open(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException {
        return file != null ? env.createSession(file.toString(), options) : env.createSession(bytes, options);
    }

    /** Deletes the file (a session keeps no reference to it once created); nothing for bytes. */
    void discard() {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // in the extender's data area; the next start clears it
            }
        }
    }
}
