package io.edgeai.gateway.mqtt.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.testing.Mosquitto;
import io.edgeai.gateway.testing.RawMqttDevice;
import io.edgeai.gateway.testing.TestCertificates;

/**
 * A device publishes on a topic Paho 1.2.5 refuses (the publisher speaks MQTT over a plain socket, as Paho
 * will not send such a topic); mosquitto forwards it to a real {@link PahoConnection}, which receives it with
 * the offending characters replaced and goes on receiving without a reconnect. Mosquitto itself refuses
 * control characters, U+FDD0-U+FDEF and invalid UTF-8 from a publisher; those kinds are covered against
 * Paho's decoder in {@link TopicGuardInputStreamTest}.
 */
class TopicGuardBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Topic levels mosquitto forwards and Paho 1.2.5 refuses. */
    private static final List<String> POISONS =
            List.of("\ud83d\ude00", "\ufffd", "\uff21\uff22", "\ufe0f", "x\ud83c\udf21\ufe0fy");

    private static void poisonThenNormal(PahoConnection c, int port) throws Exception {
        BlockingQueue<InboundMessage> got = new LinkedBlockingQueue<>();
        c.subscribe("dev/#", 1, got::add);
        await().atMost(WAIT).until(() -> c.status().state() == ConnectionState.CONNECTED);
        try (RawMqttDevice device = new RawMqttDevice(port, "raw-device")) {
            // subscriptions are made asynchronously: probe until one arrives
            int probes = 0;
            InboundMessage probe = null;
            while (probe == null && probes++ < 50) {
                device.publish(TopicGuardInputStreamTest.utf8("dev/probe"), new byte[] {1}, 1, 1);
                probe = got.poll(200, TimeUnit.MILLISECONDS);
            }
            assertNotNull(probe, "subscription never became active");
            got.clear();
            int id = 10;
            for (String level : POISONS) {
                for (int qos : new int[] {0, 1}) {
                    String topic = "dev/" + level + "/temp";
                    String payload = "poisoned " + qos + " " + level;
                    device.publish(
                            TopicGuardInputStreamTest.utf8(topic), TopicGuardInputStreamTest.utf8(payload), qos, id++);
                    device.publish(
                            TopicGuardInputStreamTest.utf8("dev/ok/temp"),
                            TopicGuardInputStreamTest.utf8("after " + qos + " " + level),
                            qos,
                            id++);
                    InboundMessage m = got.poll(10, TimeUnit.SECONDS);
                    assertNotNull(m, "the message on " + level + " never arrived; " + c.status());
                    String expected = new String(TopicGuard.replaced(topic, 65_535), StandardCharsets.UTF_8);
                    assertTrue(expected.indexOf(TopicGuard.REPLACEMENT) >= 0, expected);
                    assertEquals(expected, m.topic());
                    assertEquals(payload, new String(m.payload(), StandardCharsets.UTF_8));
                    InboundMessage next = got.poll(10, TimeUnit.SECONDS);
                    assertNotNull(next, "nothing arrived after the topic " + level + "; " + c.status());
                    assertEquals("dev/ok/temp", next.topic());
                    assertEquals("after " + qos + " " + level, new String(next.payload(), StandardCharsets.UTF_8));
                }
            }
        }
        assertEquals(ConnectionState.CONNECTED, c.status().state());
        assertEquals(0, c.status().reconnects(), "the connection lived through it");
        assertTrue(c.publish("dev/own", TopicGuardInputStreamTest.utf8("still publishing"), 1, false));
        InboundMessage own = got.poll(10, TimeUnit.SECONDS);
        assertNotNull(own);
        assertEquals("dev/own", own.topic());
    }

    @Test
    void poisonedTopicsArriveReplacedAndTheConnectionLives() throws Exception {
        try (Mosquitto broker = Mosquitto.startOnFreePort();
                PahoConnection c = new PahoConnection(ConnectionSettings.of("guarded", broker.uri(), "guard-plain"))) {
            poisonThenNormal(c, broker.port());
        }
    }

    @Test
    void overTlsToo(@TempDir Path dir) throws Exception {
        TestCertificates ca = TestCertificates.create(dir);
        TestCertificates.Leaf server = ca.issue("broker", "ip:127.0.0.1,dns:localhost", "server-pw-1");
        Path trust = ca.trustStore("trust-pw-1");
        int plainPort = Mosquitto.freePort();
        // a TLS listener for the gateway and a plain one for the device
        try (Mosquitto broker = Mosquitto.startOnFreePort(List.of(
                        "certfile " + server.certPem(),
                        "keyfile " + server.keyPem(),
                        "cafile " + ca.caPem(),
                        "tls_version tlsv1.2",
                        "listener " + plainPort + " 127.0.0.1",
                        "allow_anonymous true"));
                PahoConnection c = new PahoConnection(new ConnectionSettings(
                                "guarded-tls",
                                broker.sslUri("127.0.0.1"),
                                "guard-tls",
                                "",
                                "",
                                true,
                                30,
                                5,
                                100,
                                100,
                                100,
                                500,
                                "")
                        .withTls(new TlsSettings("", "PKCS12", "", trust.toString(), "PKCS12", "trust-pw-1")))) {
            poisonThenNormal(c, plainPort);
        }
    }
}
