package io.edgeai.gateway.broker.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Users and their password hashes, one {@code user:sha256-hex-of-password} per line ({@code #} starts a
 * comment). The format the embedded broker has always read, so existing files keep working.
 */
final class PasswordFile {

    static final PasswordFile NONE = new PasswordFile(Map.of());

    private final Map<String, byte[]> sha256ByUser;

    private PasswordFile(Map<String, byte[]> sha256ByUser) {
        this.sha256ByUser = sha256ByUser;
    }

    /** @throws IllegalArgumentException naming the first malformed line (never its content: it holds a hash) */
    static PasswordFile read(Path file) throws IOException {
        Map<String, byte[]> users = new HashMap<>();
        int number = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("line " + number + " is not user:sha256-hex-of-password");
            }
            try {
                users.put(
                        trimmed.substring(0, colon),
                        HexFormat.of().parseHex(trimmed.substring(colon + 1).trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + number + ": the password hash is not hexadecimal");
            }
        }
        return new PasswordFile(Map.copyOf(users));
    }

    boolean isEmpty() {
        return sha256ByUser.isEmpty();
    }

    /** @return whether the user is listed and the password's SHA-256 matches, compared in constant time */
    boolean accepts(String user, byte[] password) {
        byte[] expected = sha256ByUser.get(user);
        return expected != null && MessageDigest.isEqual(expected, sha256(password));
    }

    private static byte[] sha256(byte[] password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
