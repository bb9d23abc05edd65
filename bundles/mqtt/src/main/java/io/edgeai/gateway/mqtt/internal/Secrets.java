package io.edgeai.gateway.mqtt.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves secrets from configuration values or secret files, and masks them for display. */
final class Secrets {

    private Secrets() {}

    /**
     * @param secret a secret value
     * @return {@code ****} for a non-empty secret, empty otherwise: shows that a secret is set, never which
     */
    static String mask(String secret) {
        return secret == null || secret.isEmpty() ? "" : "****";
    }

    /**
     * The secret in force: the content of {@code file} when one is named (so the value itself is never in a
     * configuration), else {@code value}.
     *
     * @param what the setting's name, for messages
     * @param value the configured value, possibly empty
     * @param file path of a file holding the secret (trailing line breaks are ignored), empty for none
     * @return the secret, empty for none
     * @throws IOException when the file cannot be read; the message names the file, never its content
     */
    static String resolve(String what, String value, String file) throws IOException {
        if (file != null && !file.isBlank()) {
            try {
                return Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8)
                        .replaceAll("[\r\n]+$", "");
            } catch (IOException e) {
                throw new IOException(what + " file " + file.trim() + " cannot be read ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        checkResolved(what, value);
        return value == null ? "" : value;
    }

    /**
     * Configuration Admin's interpolation leaves a placeholder as it is when the secret file is missing;
     * using the placeholder as the password would only fail later and less clearly.
     *
     * @param what the setting's name, for messages
     * @param value the configured value
     * @throws IOException when the value is an unresolved {@code $[secret:...]}/{@code $[env:...]} placeholder
     */
    static void checkResolved(String what, String value) throws IOException {
        if (value != null && value.startsWith("$[") && value.endsWith("]")) {
            throw new IOException(what + " is the unresolved placeholder " + value
                    + " (is the secret file in etc/ or the variable set?)");
        }
    }
}
