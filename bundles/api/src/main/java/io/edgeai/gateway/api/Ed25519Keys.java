package io.edgeai.gateway.api;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ed25519 public keys as operators configure them (base64 X.509, what {@code tools/sign-model public-key}
 * prints), for the two places that trust keys: signed model bundles and signed remote commands.
 */
public final class Ed25519Keys {

    private Ed25519Keys() {}

    /**
     * @param role how the keys are named in a refusal, e.g. {@code "trusted key"} or {@code "command key"}
     * @param keys base64 X.509 keys; an entry may hold several separated by commas, as a {@code .cfg} list gives
     * @return the keys by {@link #keyId}, in the order given
     * @throws IllegalArgumentException naming (abbreviated) a key that is not a base64 Ed25519 public key
     */
    public static Map<String, PublicKey> parse(String role, String... keys) {
        Map<String, PublicKey> map = new LinkedHashMap<>();
        for (String k : String.join(",", keys).split(",")) {
            String key = k.trim();
            if (key.isEmpty()) {
                continue;
            }
            try {
                PublicKey pub = KeyFactory.getInstance("Ed25519")
                        .generatePublic(
                                new X509EncodedKeySpec(Base64.getDecoder().decode(key)));
                map.put(keyId(pub), pub);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                String shown = key.length() > 12 ? key.substring(0, 12) + "..." : key;
                throw new IllegalArgumentException(role + " '" + shown + "' is not a base64 Ed25519 public key");
            }
        }
        return Map.copyOf(map);
    }

    /**
     * @param key a public key
     * @return the key id tools/sign-model prints: the first 16 hex digits of the SHA-256 of the X.509 encoding
     */
    public static String keyId(PublicKey key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()))
                    .substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
