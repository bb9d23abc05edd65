package io.edgeai.gateway.onnx.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.Ed25519Keys;

/**
 * Ed25519 signatures of model bundles, checked with the JDK's own crypto. A signature covers the descriptor's
 * bytes and the model file's bytes: the signed message is {@code "edgeai-model-signature-v1\n" +
 * hex(sha256(descriptor)) + "\n" + hex(sha256(model)) + "\n"}. It lives next to the descriptor as
 * {@code <descriptor>.sig}: {@code {"algorithm":"Ed25519","key":"<key id>","signature":"<base64>"}}; the key id
 * is the first 16 hex digits of the SHA-256 of the public key's X.509 encoding. {@code tools/sign-model}
 * writes them.
 */
final class ModelSignature {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PREFIX = "edgeai-model-signature-v1\n";

    private final Map<String, PublicKey> trusted;

    private ModelSignature(Map<String, PublicKey> trusted) {
        this.trusted = trusted;
    }

    /**
     * @param keys trusted public keys, base64 X.509 (what {@code SignModel public-key} prints); an entry may
     *        hold several separated by commas, as a {@code .cfg} file gives a list
     * @return a checker trusting these keys
     * @throws IllegalArgumentException naming a key that is not an Ed25519 public key
     */
    static ModelSignature trusting(String... keys) {
        return new ModelSignature(Ed25519Keys.parse("trusted key", keys));
    }

    /** @return the ids of the trusted keys, as tools/sign-model prints them */
    java.util.Set<String> trustedKeyIds() {
        return trusted.keySet();
    }

    /** @return how many keys are trusted */
    int keyCount() {
        return trusted.size();
    }

    /**
     * @param descriptor the descriptor's bytes
     * @param model the model file's bytes
     * @param signatureFile the {@code .sig} file's bytes, {@code null} when the bundle has none
     * @return {@code null} when a trusted key signed exactly these bytes, else why not
     */
    String check(byte[] descriptor, byte[] model, byte[] signatureFile) {
        return check(descriptor, sha256(model), signatureFile);
    }

    /**
     * @param descriptor the descriptor's bytes as stored in the bundle
     * @param modelSha256 hex SHA-256 of the ONNX file the descriptor names
     * @param signatureFile the {@code .sig} file's bytes, {@code null} when the bundle has none
     * @return {@code null} when a trusted key signed exactly these contents, else why not
     */
    String check(byte[] descriptor, String modelSha256, byte[] signatureFile) {
        if (signatureFile == null) {
            return "unsigned: secure mode requires a signature (model/model.json.sig) by a trusted key";
        }
        JsonNode sig;
        try {
            sig = MAPPER.readTree(signatureFile);
        } catch (IOException e) {
            return "signature file is not valid JSON";
        }
        if (sig == null || !"Ed25519".equals(sig.path("algorithm").asText())) {
            return "signature algorithm must be Ed25519";
        }
        String keyId = sig.path("key").asText();
        PublicKey key = trusted.get(keyId);
        if (key == null) {
            // the usual cause: a bundle built by another checkout (each build has its own key) sharing ~/.m2
            return "signed by key " + keyId + ", which is not among the trusted keys " + trusted.keySet()
                    + " (etc/edgeai.onnx.cfg trustedKeys): sign it with a trusted key, add its public key there, or, for"
                    + " a bundle built by another checkout, run mvn install in this one";
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message(descriptor, modelSha256));
            if (!verifier.verify(
                    Base64.getDecoder().decode(sig.path("signature").asText()))) {
                return "bad signature: descriptor or model changed after signing by key " + keyId;
            }
            return null;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return "bad signature by key " + keyId + ": " + e.getMessage();
        }
    }

    static byte[] message(byte[] descriptor, byte[] model) {
        return message(descriptor, sha256(model));
    }

    private static byte[] message(byte[] descriptor, String modelSha256) {
        return (PREFIX + sha256(descriptor) + "\n" + modelSha256 + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static String keyId(PublicKey key) {
        return Ed25519Keys.keyId(key);
    }

    private static String sha256(byte[] data) {
        return OrtModelRunner.sha256(data);
    }
}
