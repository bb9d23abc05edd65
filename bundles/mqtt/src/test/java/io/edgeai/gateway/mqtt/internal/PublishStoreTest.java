package io.edgeai.gateway.mqtt.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.edgeai.gateway.api.MqttConnection;

class PublishStoreTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private StoreSettings disk(int capacity, boolean dropOldest, long ttlMillis, long cacheBytes) {
        return new StoreSettings(dir, capacity, 1L << 30, ttlMillis, dropOldest, true, 4096, cacheBytes);
    }

    private static List<String> drain(PublishStore s) throws Exception {
        List<String> out = new ArrayList<>();
        for (StoredMessage e = s.take(50); e != null; e = s.take(50)) {
            out.add(e.topic + "=" + new String(s.payload(e), StandardCharsets.UTF_8));
            s.done(e);
        }
        return out;
    }

    @Test
    void callsWhenSafeOnlyAfterTheGroupCommitAndKeepsOrderWithinAPriority() throws Exception {
        AtomicInteger safe = new AtomicInteger();
        try (PublishStore s = new PublishStore("t", disk(1000, true, 0, 1 << 20))) {
            for (int i = 0; i < 100; i++) {
                assertTrue(s.append(
                        "r/" + (i % 3),
                        bytes("v" + i),
                        1,
                        false,
                        MqttConnection.PRIORITY_NORMAL,
                        safe::incrementAndGet));
            }
            s.append("alarm/x", bytes("a"), 1, false, MqttConnection.PRIORITY_HIGH, safe::incrementAndGet);
            await().atMost(Duration.ofSeconds(10)).until(() -> safe.get() == 101);
            List<String> got = drain(s);
            assertEquals("alarm/x=a", got.get(0), "alarms drain first");
            for (int i = 0; i < 100; i++) {
                assertEquals("r/" + (i % 3) + "=v" + i, got.get(i + 1));
            }
            assertEquals(0, s.depth());
        }
    }

    @Test
    void survivesARestartAndForgetsWhatWasAcknowledged() throws Exception {
        AtomicInteger safe = new AtomicInteger();
        try (PublishStore s = new PublishStore("t", disk(100_000, true, 0, 0))) {
            for (int i = 0; i < 2000; i++) {
                s.append("dev/" + (i % 7), bytes("payload-" + i), 1, false, 0, safe::incrementAndGet);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> safe.get() == 2000);
            for (int i = 0; i < 500; i++) {
                StoredMessage e = s.take(100);
                assertNotNull(e);
                // read back from its segment: the cache is 0 bytes
                assertEquals("payload-" + i, new String(s.payload(e), StandardCharsets.UTF_8));
                s.done(e);
            }
            StoredMessage inFlight = s.take(100);
            assertEquals("dev/" + (500 % 7), inFlight.topic);
            // closed without done(inFlight): like a crash before the PUBACK came
        }
        assertTrue(segments().size() > 1, "4 KB segments: several files");
        try (PublishStore s = new PublishStore("t", disk(100_000, true, 0, 0))) {
            assertEquals(1500, s.depth());
            List<String> got = drain(s);
            assertEquals(1500, got.size());
            for (int i = 0; i < 1500; i++) {
                assertEquals("dev/" + ((i + 500) % 7) + "=payload-" + (i + 500), got.get(i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> segments().size() <= 1);
        }
        try (PublishStore s = new PublishStore("t", disk(100_000, true, 0, 0))) {
            assertEquals(0, s.depth(), "nothing is sent twice after a clean drain");
        }
    }

    @Test
    void cutsOffATornRecordAtTheEndOfASegment() throws Exception {
        AtomicInteger safe = new AtomicInteger();
        try (PublishStore s = new PublishStore("t", disk(1000, true, 0, 1 << 20))) {
            for (int i = 0; i < 10; i++) {
                s.append("t/a", bytes("m" + i), 1, false, 0, safe::incrementAndGet);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> safe.get() == 10);
        }
        Path seg = segments().get(segments().size() - 1);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3);
        }
        try (PublishStore s = new PublishStore("t", disk(1000, true, 0, 1 << 20))) {
            List<String> got = drain(s);
            assertEquals(9, got.size(), "the torn last record is dropped, the rest kept");
            assertEquals("t/a=m8", got.get(8));
        }
    }

    @Test
    void overflowDropsTheOldestRoutineMessageOrRefusesTheNewest() throws Exception {
        try (PublishStore s = new PublishStore("t", StoreSettings.memory(3))) {
            s.append("alarm", bytes("A"), 1, false, MqttConnection.PRIORITY_HIGH, null);
            for (int i = 0; i < 5; i++) {
                assertTrue(s.append("r", bytes("" + i), 1, false, 0, null));
            }
            assertEquals(3, s.depth());
            assertEquals(3, s.dropped());
            assertEquals(List.of("alarm=A", "r=3", "r=4"), drain(s));
        }
        AtomicInteger safe = new AtomicInteger();
        try (PublishStore s = new PublishStore("t", disk(2, false, 0, 1 << 20))) {
            assertTrue(s.append("r", bytes("0"), 1, false, 0, safe::incrementAndGet));
            assertTrue(s.append("r", bytes("1"), 1, false, 0, safe::incrementAndGet));
            assertFalse(s.append("r", bytes("2"), 1, false, 0, safe::incrementAndGet));
            assertEquals(1, s.dropped());
            await().atMost(Duration.ofSeconds(10)).until(() -> safe.get() == 3);
            assertEquals(List.of("r=0", "r=1"), drain(s));
        }
    }

    @Test
    void qos0MessagesOfADurableStoreStayInMemoryInOrderAndAreNotRecovered() throws Exception {
        AtomicInteger safe = new AtomicInteger();
        try (PublishStore s = new PublishStore("t", disk(1000, true, 0, 1 << 20))) {
            for (int i = 0; i < 6; i++) {
                s.append("r", bytes("m" + i), i % 2, false, 0, safe::incrementAndGet);
            }
            // the QoS 0 ones are safe at once; the QoS 1 ones after their group commit
            await().atMost(Duration.ofSeconds(10)).until(() -> safe.get() == 6);
            assertEquals(6, s.depth());
            StoredMessage first = s.take(10);
            assertEquals("m0", new String(s.payload(first), StandardCharsets.UTF_8));
            s.done(first);
            // closed with m1..m5 queued: only the QoS 1 ones were written
        }
        try (PublishStore s = new PublishStore("t", disk(1000, true, 0, 1 << 20))) {
            assertEquals(List.of("r=m1", "r=m3", "r=m5"), drain(s));
        }
    }

    @Test
    void qos0MessagesOfADurableStoreMakeRoomForNewerOnesBeyondTheCache() throws Exception {
        // 10 bytes of memory for QoS 0 payloads: each new 4-byte one beyond that drops the oldest queued
        try (PublishStore s = new PublishStore("t", disk(1000, true, 0, 10))) {
            assertTrue(s.append("k", bytes("keep"), 1, false, 0, null));
            for (int i = 0; i < 5; i++) {
                assertTrue(s.append("r", bytes("m" + i + "__"), 0, false, 0, null));
            }
            assertEquals(3, s.dropped());
            StoredMessage taken = s.take(10);
            assertEquals("k", taken.topic);
            s.done(taken);
            assertEquals(List.of("r=m3__", "r=m4__"), drain(s));
        }
        try (PublishStore s = new PublishStore("t", disk(1000, true, 0, 6))) {
            assertTrue(s.append("r", bytes("aaaa"), 0, false, 0, null));
            StoredMessage inFlight = s.take(10);
            // the one in flight is not dropped, and nothing else is queued: the new one is refused
            assertFalse(s.append("r", bytes("bbbb"), 0, false, 0, null));
            assertEquals(1, s.dropped());
            s.done(inFlight);
            assertTrue(s.append("r", bytes("cccc"), 0, false, 0, null), "room again once sent");
            assertEquals(List.of("r=cccc"), drain(s));
        }
    }

    @Test
    void expiredMessagesAreCountedNotSent() throws Exception {
        try (PublishStore s = new PublishStore("t", new StoreSettings(null, 10, 1 << 20, 1, true, false, 4096, 0))) {
            s.append("r", bytes("old"), 1, false, 0, null);
            long until = System.nanoTime() + 5_000_000L;
            while (System.nanoTime() < until) {
                Thread.onSpinWait(); // 5 ms: past the 1 ms time to live
            }
            assertNull(s.take(10));
            assertEquals(1, s.expired());
            assertEquals(0, s.depth());
        }
    }

    @Test
    void requeuesInFlightMessagesAtTheFrontInOrder() throws Exception {
        try (PublishStore s = new PublishStore("t", StoreSettings.memory(100))) {
            for (int i = 0; i < 5; i++) {
                s.append("r", bytes("" + i), 1, false, 0, null);
            }
            StoredMessage a = s.take(10);
            StoredMessage b = s.take(10);
            StoredMessage c = s.take(10);
            s.done(b);
            assertTrue(s.inFlight(a));
            s.requeueInflight();
            assertFalse(s.inFlight(c));
            assertEquals(List.of("r=0", "r=2", "r=3", "r=4"), drain(s));
            assertArrayEquals(bytes("0"), a.payload);
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("seg-"))
                    .sorted()
                    .toList();
        }
    }
}
