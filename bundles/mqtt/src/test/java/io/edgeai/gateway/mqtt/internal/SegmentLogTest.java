package io.edgeai.gateway.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentLogTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Appends one record per payload to a segment, seq counting from {@code firstSeq}; returns the lengths. */
    private static List<Integer> write(SegmentLog log, int segment, long firstSeq, String topic, String... payloads)
            throws IOException {
        List<Integer> lengths = new ArrayList<>();
        for (int i = 0; i < payloads.length; i++) {
            byte[] t = bytes(topic);
            byte[] p = bytes(payloads[i]);
            byte[] buf = new byte[SegmentLog.recordLength(t.length, p.length)];
            SegmentLog.encode(buf, 0, firstSeq + i, i % 2, 1, i == 0, 1000L + i, t, p);
            log.append(segment, buf, buf.length);
            lengths.add(buf.length);
        }
        return lengths;
    }

    private static List<SegmentLog.Record> scan(SegmentLog log, int segment) throws IOException {
        List<SegmentLog.Record> out = new ArrayList<>();
        log.scan(segment, out::add);
        return out;
    }

    @Test
    void readsBackWhatWasAppendedFieldsAndPayloads() throws IOException {
        try (SegmentLog log = new SegmentLog("t", dir)) {
            List<Integer> lengths = write(log, 0, 7, "dev/ä", "one", "two", "");
            List<SegmentLog.Record> got = scan(log, 0);
            assertEquals(3, got.size());
            long pos = 0;
            for (int i = 0; i < 3; i++) {
                SegmentLog.Record r = got.get(i);
                assertEquals(7 + i, r.seq());
                assertEquals(i % 2, r.priority());
                assertEquals(1, r.qos());
                assertEquals(i == 0, r.retained());
                assertEquals(1000L + i, r.expiresAt());
                assertEquals("dev/ä", r.topic());
                assertEquals(pos, r.pos());
                assertEquals((int) lengths.get(i), r.length());
                pos += r.length();
            }
            assertArrayEquals(
                    bytes("two"),
                    log.payload(
                            0,
                            got.get(1).pos(),
                            got.get(1).length(),
                            got.get(1).payloadLength(),
                            got.get(1).seq()));
            assertEquals(0, got.get(2).payloadLength());
            assertEquals(pos, log.bytes());
        }
    }

    @Test
    void cutsOffARecordWhoseCrcFailsAndAppendsCleanlyAfterIt() throws IOException {
        long keep;
        try (SegmentLog log = new SegmentLog("t", dir)) {
            List<Integer> lengths = write(log, 0, 1, "a", "m0", "m1", "m2");
            keep = lengths.get(0) + lengths.get(1);
        }
        Path file = dir.resolve("seg-00000000.log");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {'X'}), ch.size() - 1); // the last payload byte
        }
        try (SegmentLog log = new SegmentLog("t", dir)) {
            assertEquals(
                    List.of(1L, 2L),
                    scan(log, 0).stream().map(SegmentLog.Record::seq).toList());
            assertEquals(keep, Files.size(file), "cut off where the bad record began");
            write(log, 0, 3, "a", "m3");
            assertEquals(
                    List.of(1L, 2L, 3L),
                    scan(log, 0).stream().map(SegmentLog.Record::seq).toList());
        }
    }

    @Test
    void cutsOffATornTailWhereverTheWriteStopped() throws IOException {
        try (SegmentLog log = new SegmentLog("t", dir)) {
            write(log, 0, 1, "a", "m0", "m1");
        }
        Path file = dir.resolve("seg-00000000.log");
        long whole = Files.size(file);
        // cut inside the payload, the CRC, the length; and garbage that claims an absurd length
        for (int cut : new int[] {1, 6, 9, 11}) {
            try (SegmentLog log = new SegmentLog("t", dir)) {
                write(log, 0, 3, "a", "m2");
            }
            long withThird = Files.size(file);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(withThird - cut);
            }
            try (SegmentLog log = new SegmentLog("t", dir)) {
                assertEquals(2, scan(log, 0).size(), "cut " + cut);
                assertEquals(whole, Files.size(file));
            }
        }
        Files.write(file, new byte[] {0x7f, 0, 0, 0, 1, 2, 3, 4}, StandardOpenOption.APPEND);
        try (SegmentLog log = new SegmentLog("t", dir)) {
            assertEquals(2, scan(log, 0).size());
            assertEquals(whole, Files.size(file));
        }
    }

    @Test
    void listsSegmentsOldestFirstAndDeletesThem() throws IOException {
        try (SegmentLog log = new SegmentLog("t", dir)) {
            for (int s : new int[] {10, 0, 2}) {
                write(log, s, s * 100L, "t", "x");
            }
            Files.writeString(dir.resolve(AckLog.FILE), "");
            Files.writeString(dir.resolve("seg-1.log"), "not a segment");
            assertEquals(List.of(0, 2, 10), log.segments());
            long one = log.bytes() / 3;
            log.closeOlderThan(10);
            log.delete(2);
            assertFalse(Files.exists(log.file(2)));
            assertEquals(List.of(0, 10), log.segments());
            assertEquals(2 * one, log.bytes());
            write(log, 10, 1001, "t", "y");
            assertEquals(2, scan(log, 10).size(), "the active segment is still appended to");
            assertTrue(log.segments().contains(0));
        }
    }
}
