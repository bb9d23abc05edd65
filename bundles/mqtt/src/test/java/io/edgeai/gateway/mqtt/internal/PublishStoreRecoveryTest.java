package io.edgeai.gateway.mqtt.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.edgeai.gateway.api.MqttConnection;

/** Recovery off the caller's thread: {@link PublishStore#deferred} and {@link PublishStore#recover}. */
class PublishStoreRecoveryTest {
    @TempDir
    Path dir;

    private StoreSettings disk(int capacity) {
        return new StoreSettings(dir, capacity, 1L << 30, 0, true, true, 4096, 1 << 20);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> drain(PublishStore s) throws Exception {
        List<String> out = new ArrayList<>();
        for (StoredMessage e = s.take(50); e != null; e = s.take(50)) {
            out.add(e.topic + "=" + new String(s.payload(e), StandardCharsets.UTF_8));
            s.done(e);
        }
        return out;
    }

    private void leaveOnDisk(String... payloads) throws Exception {
        AtomicInteger safe = new AtomicInteger();
        try (PublishStore s = new PublishStore("t", disk(1000))) {
            for (String p : payloads) {
                s.append("old", bytes(p), 1, false, 0, safe::incrementAndGet);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> safe.get() == payloads.length);
        }
    }

    @Test
    void messagesOfferedBeforeRecoveryAreKeptAndQueuedBehindTheRecoveredOnes() throws Exception {
        leaveOnDisk("o0", "o1", "o2");
        AtomicInteger safe = new AtomicInteger();
        PublishStore s = PublishStore.deferred("t", disk(1000));
        try {
            assertTrue(s.append("new", bytes("n0"), 1, false, 0, safe::incrementAndGet));
            assertTrue(s.append("new", bytes("q0"), 0, false, 0, safe::incrementAndGet));
            assertTrue(s.append("alarm", bytes("a"), 1, false, MqttConnection.PRIORITY_HIGH, safe::incrementAndGet));
            assertTrue(s.append("new", bytes("n1"), 1, false, 0, safe::incrementAndGet));
            assertEquals(0, safe.get(), "nothing is safe before it is written");
            assertEquals(4, s.depth());
            assertNull(s.take(20), "nothing is sent before the recovered messages are queued");
            Thread recovery = new Thread(s::recover, "recovery");
            recovery.start();
            recovery.join(10_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> safe.get() == 4);
            assertEquals(List.of("alarm=a", "old=o0", "old=o1", "old=o2", "new=n0", "new=q0", "new=n1"), drain(s));
        } finally {
            s.close();
        }
        try (PublishStore again = new PublishStore("t", disk(1000))) {
            assertEquals(0, again.depth(), "sequence numbers of the new ones did not clash with the old");
        }
    }

    @Test
    void closingBeforeRecoveryStillWritesWhatWasOffered() throws Exception {
        leaveOnDisk("o0");
        PublishStore s = PublishStore.deferred("t", disk(1000));
        s.append("new", bytes("n0"), 1, false, 0, null);
        s.close();
        try (PublishStore again = new PublishStore("t", disk(1000))) {
            assertEquals(List.of("old=o0", "new=n0"), drain(again));
        }
    }

    @Test
    void beforeRecoveryTheBoundsAndOverflowPolicyHold() throws Exception {
        AtomicInteger safe = new AtomicInteger();
        PublishStore s = PublishStore.deferred("t", disk(2));
        try {
            for (int i = 0; i < 4; i++) {
                assertTrue(s.append("r", bytes("m" + i), 1, false, 0, safe::incrementAndGet));
            }
            assertEquals(2, s.dropped());
            assertEquals(2, safe.get(), "a dropped message is never written: its whenSafe runs at once");
            s.recover();
            await().atMost(Duration.ofSeconds(10)).until(() -> safe.get() == 4);
            assertEquals(List.of("r=m2", "r=m3"), drain(s));
        } finally {
            s.close();
        }
    }

    @Test
    void aDirectoryThatCannotBeUsedLeavesAStoreInMemory() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        AtomicInteger safe = new AtomicInteger();
        PublishStore s = PublishStore.deferred("t", new StoreSettings(file, 10, 1 << 20, 0, true, true, 4096, 0));
        try {
            s.append("r", bytes("m"), 1, false, 0, safe::incrementAndGet);
            s.recover();
            assertEquals(1, safe.get());
            assertEquals(List.of("r=m"), drain(s));
            assertEquals(0, s.diskBytes());
        } finally {
            s.close();
        }
    }
}
