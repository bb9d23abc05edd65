package io.edgeai.gateway.mqtt.internal;

/**
 * Key and trust material of a TLS connection. Empty paths mean "none": no key store means no client
 * certificate (plain TLS), no trust store means the JVM's default CA certificates. Host name
 * verification is always on and cannot be switched off.
 *
 * @param keyStore path of the key store with the client key and certificate chain (mutual TLS), empty for none
 * @param keyStoreType key store type, e.g. {@code PKCS12}
 * @param keyStorePassword key store (and key) password; never logged
 * @param trustStore path of the trust store with the CA certificates to trust, empty for the JVM's default
 * @param trustStoreType trust store type, e.g. {@code PKCS12}
 * @param trustStorePassword trust store password, empty for none; never logged
 * @param keyStorePasswordFile file holding the key store password (overrides {@code keyStorePassword})
 * @param trustStorePasswordFile file holding the trust store password (overrides {@code trustStorePassword})
 */
public record TlsSettings(
        String keyStore,
        String keyStoreType,
        String keyStorePassword,
        String trustStore,
        String trustStoreType,
        String trustStorePassword,
        String keyStorePasswordFile,
        String trustStorePasswordFile) {

    /** No key or trust store configured. */
    public static final TlsSettings NONE = new TlsSettings("", "PKCS12", "", "", "PKCS12", "");

    /**
     * Stores with passwords given as values.
     *
     * @param keyStore key store path, empty for none
     * @param keyStoreType key store type
     * @param keyStorePassword key store password
     * @param trustStore trust store path, empty for the JVM's default
     * @param trustStoreType trust store type
     * @param trustStorePassword trust store password
     */
    public TlsSettings(
            String keyStore,
            String keyStoreType,
            String keyStorePassword,
            String trustStore,
            String trustStoreType,
            String trustStorePassword) {
        this(keyStore, keyStoreType, keyStorePassword, trustStore, trustStoreType, trustStorePassword, "", "");
    }

    /** Null-safe: absent values become empty strings, absent types PKCS12. */
    public TlsSettings {
        keyStore = keyStore == null ? "" : keyStore.trim();
        keyStoreType = keyStoreType == null || keyStoreType.isBlank() ? "PKCS12" : keyStoreType.trim();
        keyStorePassword = keyStorePassword == null ? "" : keyStorePassword;
        trustStore = trustStore == null ? "" : trustStore.trim();
        trustStoreType = trustStoreType == null || trustStoreType.isBlank() ? "PKCS12" : trustStoreType.trim();
        trustStorePassword = trustStorePassword == null ? "" : trustStorePassword;
        keyStorePasswordFile = keyStorePasswordFile == null ? "" : keyStorePasswordFile.trim();
        trustStorePasswordFile = trustStorePasswordFile == null ? "" : trustStorePasswordFile.trim();
    }

    /** @return whether a key or trust store is configured */
    public boolean configured() {
        return !keyStore.isEmpty() || !trustStore.isEmpty();
    }

    /** Never print the passwords. */
    @Override
    public String toString() {
        return "TlsSettings[keyStore=" + keyStore + ", keyStoreType=" + keyStoreType + ", keyStorePassword="
                + Secrets.mask(keyStorePassword) + ", trustStore=" + trustStore + ", trustStoreType=" + trustStoreType
                + ", trustStorePassword=" + Secrets.mask(trustStorePassword) + ", keyStorePasswordFile="
                + keyStorePasswordFile + ", trustStorePasswordFile=" + trustStorePasswordFile + "]";
    }
}
