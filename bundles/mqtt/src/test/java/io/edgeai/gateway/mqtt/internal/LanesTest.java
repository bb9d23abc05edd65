package io.edgeai.gateway.mqtt.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.testing.Mosquitto;

/** Lanes of a connection: their own sessions, so control traffic never waits behind held-back data. */
class LanesTest {
    private Mosquitto broker;

    @BeforeEach
    void startBroker() throws Exception {
        broker = Mosquitto.startOnFreePort();
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCommandOnTheControlLaneArrivesWhileTheDataIntakeIsHeld() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger data = new AtomicInteger();
        BlockingQueue<InboundMessage> commands = new LinkedBlockingQueue<>();
        BlockingQueue<InboundMessage> sameSession = new LinkedBlockingQueue<>();
        try (PahoConnection gateway = new PahoConnection(ConnectionSettings.of("g", broker.uri(), "edgeai-lanes-g"));
                PahoConnection device =
                        new PahoConnection(ConnectionSettings.of("d", broker.uri(), "edgeai-lanes-d"))) {
            // the data handler holds its intake as a full pipeline queue under hold-acks does
            gateway.subscribe("sensors/#", 1, m -> {
                data.incrementAndGet();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            gateway.subscribe("late/#", 1, sameSession::add);
            MqttConnection control = gateway.lane("control");
            control.subscribe("cmd/#", 1, commands::add);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> gateway.status().state() == ConnectionState.CONNECTED
                            && control.status().state() == ConnectionState.CONNECTED
                            && device.status().state() == ConnectionState.CONNECTED);
            for (int i = 0; i < 200; i++) {
                assertTrue(device.publish("sensors/d" + (i % 10) + "/temp", bytes(Integer.toString(i)), 1, false));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> data.get() == 1);
            assertTrue(device.publish("late/x", bytes("behind the data"), 1, false));
            assertTrue(device.publish("cmd/rollback", bytes("{\"command\":\"rollback\"}"), 1, false));

            InboundMessage cmd = commands.poll(10, TimeUnit.SECONDS);
            assertNotNull(cmd, "the command waited behind the held data");
            assertEquals("cmd/rollback", cmd.topic());
            assertEquals("g.control", cmd.connection());
            // the intake is still held: the same session's message sent before the command is still behind it
            assertEquals(1, data.get());
            assertNull(sameSession.poll());

            release.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> data.get() == 200);
            assertNotNull(sameSession.poll(10, TimeUnit.SECONDS), "the held session's later message");
        }
    }

    @Test
    void aLaneIsItsOwnSessionNamedAfterItsConnectionAndClosesWithIt(@TempDir Path dir) throws Exception {
        StoreSettings store = StoreSettings.disk(dir.resolve("g"), 100);
        PahoConnection gateway =
                new PahoConnection(ConnectionSettings.of("g", broker.uri(), "edgeai-lanes-own"), store, "");
        MqttConnection text = gateway.lane("text");
        assertSame(text, gateway.lane("text"));
        assertSame(gateway, gateway.lane(""));
        assertEquals("g.text", text.name());
        assertEquals("edgeai-lanes-own-text", text.status().clientId());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> gateway.lane("a/b"));
        assertTrue(bad.getMessage().contains("a/b"), bad.getMessage());
        await().atMost(Duration.ofSeconds(10)).until(() -> text.status().state() == ConnectionState.CONNECTED);
        // its publish store lies beside the connection's, not in it
        assertTrue(Files.isDirectory(dir.resolve("g.text")));
        gateway.close();
        assertEquals(ConnectionState.STOPPED, text.status().state());
        assertThrows(IllegalStateException.class, () -> gateway.lane("other"));
    }
}
