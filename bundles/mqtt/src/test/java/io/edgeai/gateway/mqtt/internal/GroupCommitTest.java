package io.edgeai.gateway.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {
    @TempDir
    Path dir;

    private final AtomicInteger safe = new AtomicInteger();

    /** Adds a QoS 1 record with topic "t" as the store would: at the active segment's end. */
    private StoredMessage append(GroupCommit c, long seq, String payload) {
        byte[] t = "t".getBytes(StandardCharsets.UTF_8);
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        StoredMessage e = new StoredMessage(
                seq,
                0,
                1,
                false,
                "t",
                Long.MAX_VALUE,
                c.active(),
                c.position(),
                SegmentLog.recordLength(t.length, p.length),
                p.length,
                p);
        c.add(e, t, p, safe::incrementAndGet);
        return e;
    }

    @Test
    void rollsSegmentsWritesInOneBatchAndDeletesSegmentsOnceAllTheirRecordsAreDone() throws IOException {
        SegmentLog segments = new SegmentLog("t", dir);
        StoreSettings settings = new StoreSettings(dir, 1000, 1L << 30, 0, true, false, 1024, 0);
        try (GroupCommit c = new GroupCommit(settings, segments, AckLog.open(dir), 0, Map.of())) {
            List<StoredMessage> entries = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                entries.add(append(c, i + 1, "x".repeat(100)));
            }
            assertTrue(c.active() >= 3, "1 KB segments roll: " + c.active());
            GroupCommit.Batch batch = c.next(false);
            assertEquals(0, safe.get(), "callbacks wait for the write");
            assertTrue(c.write(batch).isEmpty());
            batch.runCallbacks("t");
            assertEquals(40, safe.get());
            assertTrue(segments.segments().size() >= 3, "one file per segment");
            int firstSegments = c.active();
            for (StoredMessage e : entries) {
                if (e.segment < firstSegments) {
                    c.finished(e);
                }
            }
            GroupCommit.Batch acks = c.next(false);
            assertFalse(acks.delete().isEmpty());
            c.forget(c.write(acks));
            for (int s = 0; s < firstSegments; s++) {
                assertFalse(c.holds(s));
                assertFalse(segments.segments().contains(s));
            }
            assertEquals(8L * acks.ackCount(), c.diskBytes() - segments.bytes());
            assertTrue(c.idle());
        }
    }

    @Test
    void startsOverWithAFreshSegmentAndAnEmptyAckLogWhenTheStoreRunsEmpty() throws IOException {
        SegmentLog segments = new SegmentLog("t", dir);
        StoreSettings settings = new StoreSettings(dir, 100_000, 1L << 30, 0, true, false, 64L << 20, 0);
        try (GroupCommit c = new GroupCommit(settings, segments, AckLog.open(dir), 0, Map.of())) {
            List<StoredMessage> entries = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                entries.add(append(c, i + 1, "y".repeat(1000)));
            }
            c.write(c.next(false));
            entries.forEach(c::finished);
            GroupCommit.Batch last = c.next(true);
            assertTrue(last.reset(), "more than 4 MB written and nothing left");
            assertEquals(Set.of(0), last.delete());
            c.forget(c.write(last));
            assertEquals(1, c.active());
            assertEquals(0, c.diskBytes(), "segment 0 deleted, acknowledgement log emptied");
        }
    }
}
