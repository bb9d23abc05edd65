package io.edgeai.gateway.mqtt.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.testing.Mosquitto;

/** A connection's durable store recovers on the publisher thread: construction does not wait for it. */
class PahoConnectionStoreTest {
    private static final int LEFT = 3000;
    private static final int OFFERED = 200;

    @TempDir
    Path dir;

    private Mosquitto broker;

    @BeforeEach
    void startBroker() throws Exception {
        broker = Mosquitto.startOnFreePort();
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    private StoreSettings disk() {
        return new StoreSettings(dir.resolve("store"), 100_000, 1L << 30, 0, true, false, 64 * 1024, 0);
    }

    /** @return what the store's connection sent, without the subscriber's own probes */
    private static List<String> results(List<String> got) {
        synchronized (got) {
            return got.stream().filter(m -> !m.equals("p")).toList();
        }
    }

    @Test
    void messagesLeftByAPreviousRunGoOutFirstThenThoseOfferedDuringRecoveryInOrder() throws Exception {
        AtomicInteger safe = new AtomicInteger();
        try (PublishStore s = new PublishStore("t", disk())) {
            for (int i = 0; i < LEFT; i++) {
                s.append("out/x", ("old-" + i).getBytes(StandardCharsets.UTF_8), 1, false, 0, safe::incrementAndGet);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> safe.get() == LEFT);
        }
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        try (PahoConnection sub = new PahoConnection(ConnectionSettings.of("sub", broker.uri(), "edgeai-test-sub"))) {
            sub.subscribe("out/#", 1, m -> got.add(new String(m.payload(), StandardCharsets.UTF_8)));
            await().atMost(Duration.ofSeconds(10)).until(() -> sub.status().state() == ConnectionState.CONNECTED);
            // give the subscription its SUBACK before anything is published
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                sub.publish("out/probe", new byte[] {'p'}, 1, false);
                return got.contains("p");
            });
            try (PahoConnection c =
                    new PahoConnection(ConnectionSettings.of("t", broker.uri(), "edgeai-test-store"), disk(), "")) {
                for (int i = 0; i < OFFERED; i++) {
                    assertTrue(c.publish("out/x", ("new-" + i).getBytes(StandardCharsets.UTF_8), 1, false));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> results(got).size() >= LEFT + OFFERED);
            }
            List<String> want = new ArrayList<>();
            for (int i = 0; i < LEFT; i++) {
                want.add("old-" + i);
            }
            for (int i = 0; i < OFFERED; i++) {
                want.add("new-" + i);
            }
            assertEquals(want, results(got));
        }
        try (PublishStore s = new PublishStore("t", disk())) {
            assertEquals(0, s.depth(), "every message was acknowledged and forgotten");
        }
        assertTrue(Files.exists(dir.resolve("store").resolve(AckLog.FILE)));
    }
}
