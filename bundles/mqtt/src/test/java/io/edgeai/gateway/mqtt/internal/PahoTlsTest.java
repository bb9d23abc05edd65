package io.edgeai.gateway.mqtt.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.ConnectionStatus;
import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.testing.Mosquitto;
import io.edgeai.gateway.testing.TestCertificates;

/**
 * TLS, mutual TLS, host name verification and credentials against real mosquitto brokers configured with
 * certificates this test generates.
 */
class PahoTlsTest {
    private static final Duration CONNECT = Duration.ofSeconds(20);
    private static final String TRUST_PASSWORD = "trust-pw-4711";
    private static final String CLIENT_KEY_PASSWORD = "client-key-pw-0815";

    @TempDir
    static Path dir;

    private static TestCertificates ca;
    private static TestCertificates.Leaf server;
    private static TestCertificates.Leaf otherHost;
    private static TestCertificates.Leaf client;
    private static Path trustStore;

    @BeforeAll
    static void certificates() throws Exception {
        ca = TestCertificates.create(dir);
        server = ca.issue("broker", "ip:127.0.0.1,dns:localhost", "server-pw-1");
        otherHost = ca.issue("elsewhere", "dns:broker.example.test", "server-pw-2");
        client = ca.issue("gateway", "", CLIENT_KEY_PASSWORD);
        trustStore = ca.trustStore(TRUST_PASSWORD);
    }

    private static List<String> tlsListener(TestCertificates.Leaf cert, String... more) {
        List<String> lines = new java.util.ArrayList<>(List.of(
                "certfile " + cert.certPem(),
                "keyfile " + cert.keyPem(),
                "cafile " + ca.caPem(),
                "tls_version tlsv1.2"));
        lines.addAll(List.of(more));
        return lines;
    }

    private static TlsSettings trustOnly() {
        return new TlsSettings("", "PKCS12", "", trustStore.toString(), "PKCS12", TRUST_PASSWORD);
    }

    private static TlsSettings withClientCertificate() {
        return new TlsSettings(
                client.pkcs12().toString(),
                "PKCS12",
                CLIENT_KEY_PASSWORD,
                trustStore.toString(),
                "PKCS12",
                TRUST_PASSWORD);
    }

    private static ConnectionSettings settings(Mosquitto broker, String host, String clientId) {
        return new ConnectionSettings(
                "tls", broker.sslUri(host), clientId, "", "", true, 30, 5, 100, 100, 100, 500, "");
    }

    private static void assertRoundTrip(PahoConnection c) throws InterruptedException {
        BlockingQueue<InboundMessage> got = new LinkedBlockingQueue<>();
        c.subscribe("tls/#", 1, got::add);
        await().atMost(CONNECT).until(() -> c.status().state() == ConnectionState.CONNECTED);
        c.publish("tls/check", "42".getBytes(StandardCharsets.UTF_8), 1, false);
        InboundMessage m = got.poll(10, TimeUnit.SECONDS);
        assertNotNull(m, "no message over TLS; " + c.status());
        assertEquals("42", new String(m.payload(), StandardCharsets.UTF_8));
    }

    /** Waits until a connect attempt has failed (an error is recorded) and checks it never connected. */
    private static ConnectionStatus awaitRefusal(PahoConnection c) {
        await().atMost(CONNECT).until(() -> !c.status().lastError().isEmpty());
        ConnectionStatus st = c.status();
        assertFalse(st.state() == ConnectionState.CONNECTED, st.toString());
        assertEquals(0, st.reconnects(), "never connected");
        return st;
    }

    @Test
    void tlsConnectionToABrokerWhoseCertificateNamesTheHost() throws Exception {
        try (Mosquitto broker = Mosquitto.startOnFreePort(tlsListener(server));
                PahoConnection c = new PahoConnection(
                        settings(broker, "127.0.0.1", "tls-ok").withTls(trustOnly()))) {
            assertRoundTrip(c);
        }
    }

    @Test
    void mutualTlsNeedsTheClientCertificate() throws Exception {
        try (Mosquitto broker = Mosquitto.startOnFreePort(tlsListener(server, "require_certificate true"))) {
            try (PahoConnection without =
                    new PahoConnection(settings(broker, "127.0.0.1", "mtls-no").withTls(trustOnly()))) {
                awaitRefusal(without);
            }
            try (PahoConnection with =
                    new PahoConnection(settings(broker, "127.0.0.1", "mtls-yes").withTls(withClientCertificate()))) {
                assertRoundTrip(with);
            }
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefused() throws Exception {
        // same CA as the working case: only the host name differs
        try (Mosquitto broker = Mosquitto.startOnFreePort(tlsListener(otherHost));
                PahoConnection c = new PahoConnection(
                        settings(broker, "127.0.0.1", "tls-wrong-host").withTls(trustOnly()))) {
            ConnectionStatus st = awaitRefusal(c);
            assertTrue(st.lastError().contains("127.0.0.1"), "names the host it could not verify: " + st.lastError());
        }
    }

    @Test
    void aBrokerSignedByAnUntrustedCaIsRefused() throws Exception {
        // no trust store: the JVM's default CAs, which do not include the test CA
        try (Mosquitto broker = Mosquitto.startOnFreePort(tlsListener(server));
                PahoConnection c = new PahoConnection(settings(broker, "127.0.0.1", "tls-untrusted"))) {
            ConnectionStatus st = awaitRefusal(c);
            assertTrue(
                    st.lastError().toLowerCase().contains("certif")
                            || st.lastError().contains("PKIX"),
                    st.lastError());
        }
    }

    @Test
    void wrongCredentialsAreRefusedAndTheRightOnesFromAFileAccepted(@TempDir Path work) throws Exception {
        Path passwd = Mosquitto.passwordFile(work, "gateway", "right-pw-31337");
        Path secret = Files.writeString(work.resolve("mqtt-password"), "right-pw-31337\n");
        try (Mosquitto broker =
                Mosquitto.startOnFreePort(tlsListener(server, "allow_anonymous false", "password_file " + passwd))) {
            try (PahoConnection wrong = new PahoConnection(settings(broker, "127.0.0.1", "cred-wrong")
                    .withTls(trustOnly())
                    .withCredentials("gateway", "wrong-pw-1234"))) {
                ConnectionStatus st = awaitRefusal(wrong);
                assertTrue(
                        st.lastError().contains("(reason 4)") || st.lastError().contains("(reason 5)"),
                        "refused as bad credentials / not authorised: " + st.lastError());
            }
            try (PahoConnection right = new PahoConnection(settings(broker, "127.0.0.1", "cred-right")
                    .withTls(trustOnly())
                    .withCredentials("gateway", "")
                    .withPasswordFile(secret.toString()))) {
                assertRoundTrip(right);
            }
        }
    }

    @Test
    void tlsMaterialOnAPlainUriIsAConfigurationError() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ConnectionSettings.of("x", "tcp://127.0.0.1:1883", "x").withTls(trustOnly()));
        assertTrue(e.getMessage().contains("ssl://"), e.getMessage());
    }

    @Test
    void anUnresolvedSecretPlaceholderIsReportedByNameNotUsedAsPassword() throws Exception {
        try (Mosquitto broker = Mosquitto.startOnFreePort(tlsListener(server));
                PahoConnection c = new PahoConnection(settings(broker, "127.0.0.1", "placeholder")
                        .withTls(trustOnly())
                        .withCredentials("gateway", "$[secret:mqtt-password]"))) {
            ConnectionStatus st = awaitRefusal(c);
            assertTrue(st.lastError().contains("$[secret:mqtt-password]"), st.lastError());
        }
    }

    /**
     * Our loggers run at TRACE in this module's tests (surefire configuration). Everything logged while
     * connections with secrets connect, fail and close must not contain a secret.
     */
    @Test
    void noSecretValueReachesTheLog(@TempDir Path work) throws Exception {
        String userPassword = "pw-NEVER-LOGGED-7f3a";
        Path passwd = Mosquitto.passwordFile(work, "gateway", userPassword);
        Path secretFile = Files.writeString(work.resolve("secret"), userPassword);
        Path keyPasswordFile = Files.writeString(work.resolve("key-secret"), CLIENT_KEY_PASSWORD + "\n");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
        try (Mosquitto broker = Mosquitto.startOnFreePort(
                tlsListener(server, "require_certificate true", "allow_anonymous false", "password_file " + passwd))) {
            try (PahoConnection wrong = new PahoConnection(settings(broker, "127.0.0.1", "log-wrong")
                    .withTls(withClientCertificate())
                    .withCredentials("gateway", "wrong-NEVER-LOGGED-9c1d"))) {
                awaitRefusal(wrong);
                org.slf4j.LoggerFactory.getLogger(PahoTlsTest.class).info("settings: {}", wrong.settingsForDisplay());
            }
            TlsSettings keyPasswordFromFile = new TlsSettings(
                    client.pkcs12().toString(),
                    "PKCS12",
                    "",
                    trustStore.toString(),
                    "PKCS12",
                    TRUST_PASSWORD,
                    keyPasswordFile.toString(),
                    "");
            try (PahoConnection right = new PahoConnection(settings(broker, "127.0.0.1", "log-right")
                    .withTls(keyPasswordFromFile)
                    .withCredentials("gateway", "")
                    .withPasswordFile(secretFile.toString()))) {
                assertRoundTrip(right);
                org.slf4j.LoggerFactory.getLogger(PahoTlsTest.class).info("settings: {}", right.settingsForDisplay());
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("log-right") && log.contains("connected"), "the log was captured: " + log);
        for (String secret : List.of(userPassword, "wrong-NEVER-LOGGED-9c1d", CLIENT_KEY_PASSWORD, TRUST_PASSWORD)) {
            assertFalse(log.contains(secret), "secret in the log: " + secret);
        }
    }

    /** Writes to both streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
