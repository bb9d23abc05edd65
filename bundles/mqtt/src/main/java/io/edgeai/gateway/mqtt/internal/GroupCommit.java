package io.edgeai.gateway.mqtt.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk side of a durable publish store: records appended since the last commit, acknowledgements not
 * yet logged, and which segment is active and which hold no live record any more.
 *
 * <p>Producers {@link #add} and {@link #finished} under the store's lock; the writer thread takes everything
 * buffered in one go ({@link #next}, under the lock) and writes it ({@link #write}, outside), so one write
 * and one {@code fsync} cover every record offered meanwhile (group commit). The whenSafe callbacks of a
 * batch run only after its write. When the store runs empty (after 1 MB of acknowledgements or 4 MB of
 * records) it starts a fresh segment and truncates the acknowledgement log.
 */
final class GroupCommit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    static final long ACK_LOG_RESET_BYTES = 1L << 20;
    private static final int BUFFER = 64 * 1024;

    /** Encoded records of one segment. */
    record Chunk(int segment, byte[] bytes, int length) {}

    /** What one commit writes, and whose callbacks run after it. */
    record Batch(
            List<Chunk> chunks,
            List<StoredMessage> committed,
            List<Runnable> safe,
            long[] acks,
            int ackCount,
            Set<Integer> delete,
            boolean reset) {

        /** Runs the callbacks of the batch's records: they are on disk now. */
        void runCallbacks(String name) {
            for (Runnable r : safe) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("A whenSafe callback of {} failed: {}", name, e.toString());
                }
            }
        }
    }

    private final StoreSettings settings;
    private final SegmentLog segments;
    private final AckLog ackLog;
    // guarded by the store's lock
    private int active;
    private long activeSize;
    private final Map<Integer, Integer> live;
    private final Set<Integer> dead = new HashSet<>();
    private byte[] pending = new byte[BUFFER];
    private int pendingLen;
    private List<Chunk> chunks = new ArrayList<>();
    private List<StoredMessage> uncommitted = new ArrayList<>();
    private List<Runnable> callbacks = new ArrayList<>();
    private long[] acks = new long[1024];
    private int ackCount;

    /**
     * @param settings the store's settings
     * @param segments the segment files, recovered
     * @param ackLog the acknowledgement log, open
     * @param active the segment new records go to
     * @param live number of live records per recovered segment
     */
    GroupCommit(StoreSettings settings, SegmentLog segments, AckLog ackLog, int active, Map<Integer, Integer> live) {
        this.settings = settings;
        this.segments = segments;
        this.ackLog = ackLog;
        this.active = active;
        this.live = new HashMap<>(live);
        this.live.put(active, 0);
    }

    /** @return the segment the next record goes to */
    int active() {
        return active;
    }

    /** @return where in the active segment the next record goes */
    long position() {
        return activeSize;
    }

    /** Buffers a new record (its entry made at {@link #active()}, {@link #position()}). */
    void add(StoredMessage e, byte[] topic, byte[] payload, Runnable whenSafe) {
        int need = pendingLen + e.recordLen;
        if (need > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(need, pending.length * 2));
        }
        SegmentLog.encode(pending, pendingLen, e.seq, e.priority, e.qos, e.retained, e.expiresAt, topic, payload);
        pendingLen = need;
        live.merge(e.segment, 1, Integer::sum);
        uncommitted.add(e);
        if (whenSafe != null) {
            callbacks.add(whenSafe);
        }
        activeSize += e.recordLen;
        if (activeSize >= settings.segmentBytes()) {
            roll();
        }
    }

    private void roll() {
        if (pendingLen > 0) {
            chunks.add(new Chunk(active, pending, pendingLen));
            pending = new byte[BUFFER];
            pendingLen = 0;
        }
        if (live.getOrDefault(active, 0) == 0) {
            dead.add(active);
        }
        active++;
        activeSize = 0;
        live.put(active, 0);
    }

    /** A written record is done (sent, dropped or expired): logged as acknowledged, its segment freed when empty. */
    void finished(StoredMessage e) {
        int left = live.merge(e.segment, -1, Integer::sum);
        if (left == 0 && e.segment != active) {
            dead.add(e.segment);
        }
        if (ackCount == acks.length) {
            acks = Arrays.copyOf(acks, acks.length * 2);
        }
        acks[ackCount++] = e.seq;
    }

    /** @return whether there is nothing for the writer to do */
    boolean idle() {
        return pendingLen == 0 && chunks.isEmpty() && ackCount == 0 && dead.isEmpty();
    }

    /** @return whether every record and acknowledgement offered was written */
    boolean drained() {
        return pendingLen == 0 && chunks.isEmpty() && ackCount == 0 && uncommitted.isEmpty();
    }

    /**
     * Takes everything buffered.
     *
     * @param storeEmpty whether the store holds no message (a chance to start over)
     */
    Batch next(boolean storeEmpty) {
        if (pendingLen > 0) {
            chunks.add(new Chunk(active, pending, pendingLen));
            pending = new byte[Math.max(BUFFER, pendingLen)];
            pendingLen = 0;
        }
        // the store ran empty: start over with a fresh segment and an empty acknowledgement log
        boolean reset = storeEmpty
                && (ackLog.bytes() + 8L * ackCount > ACK_LOG_RESET_BYTES || activeSize > 4 * ACK_LOG_RESET_BYTES);
        if (reset) {
            if (live.getOrDefault(active, 0) == 0) {
                dead.add(active);
            }
            active++;
            activeSize = 0;
            live.put(active, 0);
        }
        Batch b = new Batch(chunks, uncommitted, callbacks, acks, ackCount, new HashSet<>(dead), reset);
        chunks = new ArrayList<>();
        uncommitted = new ArrayList<>();
        callbacks = new ArrayList<>();
        acks = new long[Math.max(1024, ackCount)];
        ackCount = 0;
        dead.clear();
        return b;
    }

    /**
     * Writes a batch (writer thread, outside the store's lock): records, acknowledgements, {@code fsync} when
     * set; deletes the dead segments.
     *
     * @return the segments deleted, to {@link #forget} under the lock
     */
    Set<Integer> write(Batch b) throws IOException {
        Set<Integer> touched = new HashSet<>();
        for (Chunk c : b.chunks()) {
            segments.append(c.segment(), c.bytes(), c.length());
            touched.add(c.segment());
        }
        boolean logAcks = b.ackCount() > 0 && !b.reset();
        if (logAcks) {
            ackLog.append(b.acks(), b.ackCount());
        }
        if (settings.fsync()) {
            for (int s : touched) {
                segments.force(s);
            }
            if (logAcks) {
                ackLog.force();
            }
        }
        int newest = touched.stream().mapToInt(Integer::intValue).max().orElse(-1);
        segments.closeOlderThan(newest);
        Set<Integer> deleted = new HashSet<>();
        for (int s : b.delete()) {
            segments.delete(s);
            deleted.add(s);
        }
        if (b.reset()) {
            ackLog.truncate();
        }
        return deleted;
    }

    /** Forgets deleted segments (under the lock). */
    void forget(Set<Integer> deleted) {
        for (int s : deleted) {
            if (s != active) {
                live.remove(s);
            }
        }
    }

    /** @return whether the segment still exists (its records can be read back) */
    boolean holds(int segment) {
        return live.containsKey(segment);
    }

    /** @return the segment files, to read payloads back from */
    SegmentLog segments() {
        return segments;
    }

    /** @return bytes of segment files and acknowledgement log */
    long diskBytes() {
        return segments.bytes() + ackLog.bytes();
    }

    /** Closes the files (after the writer stopped); they stay on disk. */
    @Override
    public void close() {
        segments.close();
        ackLog.close();
    }
}
