package io.edgeai.gateway.mqtt.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** Builds the socket factory of a TLS connection from its key and trust stores. */
final class SslSocketFactories {

    private SslSocketFactories() {}

    /**
     * @param tls key and trust material
     * @return a factory for TLS 1.2/1.3 sockets; host names are verified by the connection (Paho's HTTPS
     *         endpoint identification), not here
     * @throws IOException when a store cannot be read or opened; the message names the file, never a password
     */
    static SSLSocketFactory create(TlsSettings tls) throws IOException {
        try {
            KeyManagerFactory kmf = null;
            if (!tls.keyStore().isEmpty()) {
                String password =
                        Secrets.resolve("keyStorePassword", tls.keyStorePassword(), tls.keyStorePasswordFile());
                KeyStore ks = load("key store", tls.keyStore(), tls.keyStoreType(), password);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, password.toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (tls.trustStore().isEmpty()) {
                tmf.init((KeyStore) null);
            } else {
                String password =
                        Secrets.resolve("trustStorePassword", tls.trustStorePassword(), tls.trustStorePasswordFile());
                tmf.init(load("trust store", tls.trustStore(), tls.trustStoreType(), password));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS setup failed: " + e.getMessage());
        }
    }

    private static KeyStore load(String what, String path, String type, String password) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, password.isEmpty() ? null : password.toCharArray());
            return ks;
        } catch (IOException e) {
            // a wrong password shows as an IOException from load(); say so without echoing anything secret
            throw new IOException(what + " " + path + " cannot be opened: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IOException(what + " " + path + " cannot be loaded as " + type + ": " + e.getMessage());
        }
    }
}
