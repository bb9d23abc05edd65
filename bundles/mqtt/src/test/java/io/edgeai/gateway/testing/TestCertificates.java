package io.edgeai.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority for TLS tests, made with the JDK's {@code keytool}: leaf certificates
 * signed by it, exported as PEM for mosquitto and as PKCS12 stores for Java clients. EC P-256 keys, valid
 * for two days.
 */
public final class TestCertificates {
    private static final String STORE_PASSWORD = "changeit-test-only";

    private final Path dir;
    private final X509Certificate ca;

    private TestCertificates(Path dir, X509Certificate ca) {
        this.dir = dir;
        this.ca = ca;
    }

    /**
     * A key pair and certificate signed by the test CA, in files.
     *
     * @param certPem certificate (PEM)
     * @param keyPem private key (PKCS#8 PEM)
     * @param pkcs12 key store with the key and the chain up to the CA
     * @param pkcs12Password the key store's password
     */
    public record Leaf(Path certPem, Path keyPem, Path pkcs12, String pkcs12Password) {}

    /**
     * Creates a CA in {@code dir}.
     *
     * @param dir working directory (a test's temporary directory)
     * @return the CA
     * @throws IOException when keytool fails
     */
    public static TestCertificates create(Path dir) throws IOException {
        keytool(
                dir,
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=EdgeAI Test CA",
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                "ca.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                STORE_PASSWORD);
        try {
            KeyStore ks = load(dir.resolve("ca.p12"));
            TestCertificates c = new TestCertificates(dir, (X509Certificate) ks.getCertificate("ca"));
            Files.writeString(dir.resolve("ca.pem"), pem("CERTIFICATE", c.ca.getEncoded()));
            return c;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** @return the CA certificate in PEM (mosquitto's {@code cafile}) */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    /**
     * Writes a PKCS12 trust store holding the CA certificate.
     *
     * @param password its password
     * @return the trust store
     * @throws IOException when writing fails
     */
    public Path trustStore(String password) throws IOException {
        Path file = dir.resolve("truststore.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("edgeai-test-ca", ca);
            ts.store(out, password.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
        return file;
    }

    /**
     * Issues a certificate signed by the CA.
     *
     * @param name file name stem and common name
     * @param san subject alternative names as keytool writes them, e.g. {@code ip:127.0.0.1,dns:localhost};
     *        empty for a client certificate
     * @param keyStorePassword password of the leaf's PKCS12 store (also the key's)
     * @return the files
     * @throws IOException when keytool fails
     */
    public Leaf issue(String name, String san, String keyStorePassword) throws IOException {
        String store = name + ".p12";
        keytool(
                dir,
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + name,
                "-validity",
                "2",
                "-keystore",
                store,
                "-storetype",
                "PKCS12",
                "-storepass",
                keyStorePassword);
        keytool(
                dir,
                "-certreq",
                "-alias",
                name,
                "-keystore",
                store,
                "-storepass",
                keyStorePassword,
                "-file",
                name + ".csr");
        List<String> gen = new ArrayList<>(List.of(
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-storepass",
                STORE_PASSWORD,
                "-infile",
                name + ".csr",
                "-outfile",
                name + ".pem",
                "-rfc",
                "-validity",
                "2"));
        if (!san.isEmpty()) {
            gen.addAll(List.of("-ext", "san=" + san));
        }
        keytool(dir, gen.toArray(new String[0]));
        try {
            X509Certificate cert;
            try (InputStream in = Files.newInputStream(dir.resolve(name + ".pem"))) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            Path p12 = dir.resolve(store);
            KeyStore ks = load(p12, keyStorePassword);
            Key key = ks.getKey(name, keyStorePassword.toCharArray());
            ks.setKeyEntry(name, key, keyStorePassword.toCharArray(), new Certificate[] {cert, ca});
            try (OutputStream out = Files.newOutputStream(p12)) {
                ks.store(out, keyStorePassword.toCharArray());
            }
            Path keyPem = dir.resolve(name + ".key");
            Files.writeString(keyPem, pem("PRIVATE KEY", ((PrivateKey) key).getEncoded()));
            return new Leaf(dir.resolve(name + ".pem"), keyPem, p12, keyStorePassword);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        return load(file, STORE_PASSWORD);
    }

    private static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void keytool(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.add("-noprompt");
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool " + args[0] + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + out);
        }
    }
}
