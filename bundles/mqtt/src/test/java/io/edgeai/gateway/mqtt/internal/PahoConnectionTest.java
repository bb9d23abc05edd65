package io.edgeai.gateway.mqtt.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.testing.Mosquitto;

class PahoConnectionTest {
    private Mosquitto broker;

    @BeforeEach
    void startBroker() throws Exception {
        broker = Mosquitto.startOnFreePort();
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    private static String text(InboundMessage m) {
        return new String(m.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void roundTripsThroughARealBroker() throws Exception {
        BlockingQueue<InboundMessage> got = new LinkedBlockingQueue<>();
        try (PahoConnection c = new PahoConnection(ConnectionSettings.of("t", broker.uri(), "edgeai-test-rt"))) {
            c.subscribe("sensors/+/+", 1, got::add);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.status().state() == ConnectionState.CONNECTED);
            assertTrue(c.publish("sensors/dev1/temp", "21.5".getBytes(StandardCharsets.UTF_8), 1, false));
            InboundMessage m = got.poll(10, TimeUnit.SECONDS);
            assertNotNull(m, "no message came back");
            assertEquals("sensors/dev1/temp", m.topic());
            assertEquals("21.5", text(m));
            assertEquals("t", m.connection());
            assertEquals(1, c.status().received());
            // counted once Paho took it, which may be after the broker already delivered it back
            await().atMost(Duration.ofSeconds(5)).until(() -> c.status().published() == 1);
        }
    }

    @Test
    void aHandlerThatFailsWithAnErrorCostsOnlyItsOwnMessage() throws Exception {
        BlockingQueue<InboundMessage> got = new LinkedBlockingQueue<>();
        try (PahoConnection c = new PahoConnection(ConnectionSettings.of("t", broker.uri(), "edgeai-test-err"))) {
            // a handler whose code went away under it (a bundle updated mid-call) fails with an Error, not an exception
            c.subscribe("broken/+", 1, m -> {
                throw new NoClassDefFoundError("io/edgeai/Gone");
            });
            c.subscribe("sensors/+/+", 1, got::add);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.status().state() == ConnectionState.CONNECTED);
            for (int i = 0; i < 3; i++) {
                assertTrue(c.publish("broken/" + i, "x".getBytes(StandardCharsets.UTF_8), 1, false));
                assertTrue(
                        c.publish("sensors/dev1/temp", Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1, false));
            }
            for (int i = 0; i < 3; i++) {
                InboundMessage m = got.poll(10, TimeUnit.SECONDS);
                assertNotNull(m, "message " + i + " behind a failing handler did not come");
                assertEquals(Integer.toString(i), text(m));
            }
            assertEquals(0, c.status().reconnects(), "the connection stayed up");
            // the failed messages were acknowledged: none is left owed to the broker
            await().atMost(Duration.ofSeconds(5)).until(() -> c.status().unacknowledged() == 0);
        }
    }

    @Test
    void holdsPublishesWhileTheBrokerIsDownAndResubscribesAfterReconnect() throws Exception {
        BlockingQueue<InboundMessage> got = new LinkedBlockingQueue<>();
        try (PahoConnection c = new PahoConnection(ConnectionSettings.of("t", broker.uri(), "edgeai-test-outage"))) {
            c.subscribe("out/#", 1, got::add);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.status().state() == ConnectionState.CONNECTED);
            broker.kill();
            await().atMost(Duration.ofSeconds(20)).until(() -> c.status().state() != ConnectionState.CONNECTED);
            for (int i = 0; i < 50; i++) {
                c.publish("out/" + i, Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            assertEquals(50, c.status().publishQueued());
            broker.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> c.status().state() == ConnectionState.CONNECTED);
            for (int i = 0; i < 50; i++) {
                InboundMessage m = got.poll(10, TimeUnit.SECONDS);
                assertNotNull(m, "message " + i + " not delivered after reconnect");
                assertEquals("out/" + i, m.topic(), "order kept");
            }
            assertEquals(1, c.status().reconnects());
            assertEquals(0, c.status().publishDropped());
        }
    }

    @Test
    void dropsTheOldestWhenThePublishQueueIsFullAndCountsIt() throws Exception {
        broker.kill();
        ConnectionSettings s =
                new ConnectionSettings("t", broker.uri(), "edgeai-test-full", "", "", true, 30, 2, 10, 5, 100, 200, "");
        try (PahoConnection c = new PahoConnection(s)) {
            for (int i = 0; i < 8; i++) {
                c.publish("x", new byte[] {(byte) i}, 0, false);
            }
            // capacity 5, plus at most the one the publisher thread holds while waiting for the broker
            assertTrue(c.status().publishDropped() >= 2, "dropped " + c.status().publishDropped());
            assertEquals(8, c.status().publishDropped() + c.status().publishQueued());
            assertFalse(c.status().state() == ConnectionState.CONNECTED);
            assertFalse(c.status().lastError().isEmpty() && c.status().state() == ConnectionState.DISCONNECTED);
        }
    }

    @Test
    void closingWhileConnectingLeavesNoStraySessionBehind() throws Exception {
        for (int i = 0; i < 5; i++) {
            new PahoConnection(ConnectionSettings.of("t", broker.uri(), "edgeai-test-cycle")).close();
        }
        BlockingQueue<InboundMessage> got = new LinkedBlockingQueue<>();
        try (PahoConnection c = new PahoConnection(ConnectionSettings.of("t", broker.uri(), "edgeai-test-cycle"));
                PahoConnection sender = new PahoConnection(ConnectionSettings.of("s", broker.uri(), "edgeai-sender"))) {
            c.subscribe("cycle/#", 1, got::add);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> c.status().state() == ConnectionState.CONNECTED
                            && sender.status().state() == ConnectionState.CONNECTED);
            for (int i = 0; i < 20; i++) {
                sender.publish("cycle/" + i, new byte[] {1}, 1, false);
            }
            for (int i = 0; i < 20; i++) {
                assertNotNull(got.poll(10, TimeUnit.SECONDS), "message " + i + " lost; " + c.status());
            }
            assertEquals(0, c.status().reconnects(), "another session took the client id over");
        }
    }

    @Test
    void unacknowledgedMessagesComeBackOnThePersistentSessionMarkedAsDuplicates() throws Exception {
        ConnectionSettings persistent = new ConnectionSettings(
                "t", broker.uri(), "edgeai-test-acks", "", "", false, 30, 10, 1000, 100, 100, 200, "");
        BlockingQueue<InboundMessage> first = new LinkedBlockingQueue<>();
        try (PahoConnection sender =
                new PahoConnection(ConnectionSettings.of("s", broker.uri(), "edgeai-ack-sender"))) {
            try (PahoConnection c = new PahoConnection(persistent)) {
                c.subscribe("acks/#", 1, first::add, true);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> c.status().state() == ConnectionState.CONNECTED
                                && sender.status().state() == ConnectionState.CONNECTED);
                for (int i = 0; i < 5; i++) {
                    sender.publish("acks/" + i, new byte[] {(byte) i}, 1, false);
                }
                for (int i = 0; i < 5; i++) {
                    InboundMessage m = first.poll(10, TimeUnit.SECONDS);
                    assertNotNull(m, "message " + i);
                    assertFalse(m.duplicate());
                    if (i < 2) {
                        m.acknowledge();
                    }
                }
                assertEquals(3, c.status().unacknowledged());
            }
            // the same client id again: the broker delivers the three it holds unacknowledged
            BlockingQueue<InboundMessage> again = new LinkedBlockingQueue<>();
            try (PahoConnection c = new PahoConnection(persistent)) {
                c.subscribe("acks/#", 1, again::add, true);
                for (int i = 2; i < 5; i++) {
                    InboundMessage m = again.poll(10, TimeUnit.SECONDS);
                    assertNotNull(m, "redelivery of " + i);
                    assertEquals("acks/" + i, m.topic());
                    assertTrue(m.duplicate(), "DUP flag of a redelivery");
                    m.acknowledge();
                }
                assertEquals(0, c.status().unacknowledged());
                assertEquals(null, again.poll(300, TimeUnit.MILLISECONDS), "acknowledged ones are not redelivered");
            }
        }
    }

    @Test
    void passwordNeverAppearsInSettingsText() {
        ConnectionSettings s = new ConnectionSettings(
                "t", "tcp://127.0.0.1:1", "c", "user", "s3cr3t-value", true, 30, 1, 10, 5, 100, 200, "");
        assertFalse(s.toString().contains("s3cr3t-value"));
    }

    @Test
    void matchesSharedSubscriptionFilters() {
        assertTrue(Inbound.matches("$share/g/sensors/+/+", "sensors/a/b"));
        assertTrue(Inbound.matches("sensors/#", "sensors/a/b"));
        assertFalse(Inbound.matches("sensors/+", "sensors/a/b"));
    }
}
