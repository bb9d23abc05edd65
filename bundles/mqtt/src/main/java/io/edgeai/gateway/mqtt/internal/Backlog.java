package io.edgeai.gateway.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a publish store holds, and its bounds: at most {@code maxMessages} messages and {@code maxBytes} of
 * payload and topic, by the overflow policy (drop the oldest routine message, or refuse the new one); the time
 * to live, checked when a message is taken; and how much of the written payloads stays cached in memory.
 * Guarded by the store's lock; no I/O.
 */
final class Backlog {
    /** Outcomes of {@link #add}. */
    static final int REFUSED = 0;

    static final int SAFE_NOW = 1;
    static final int SAFE_AFTER_COMMIT = 2;
    /** The segment of a message that is not written (QoS 0 in a durable store). */
    static final int MEMORY_ONLY = -1;

    private final StoreSettings settings;
    private final SendQueues queues = new SendQueues();
    private final MemoryLane memoryLane;
    private final AtomicLong dropped;
    private final AtomicLong expired;
    /** Null for a memory store (and a durable one before recovery). */
    private GroupCommit commit;

    private long nextSeq = 1;
    private int depth;
    private long bytes;
    private long cachedBytes;

    /**
     * @param settings bounds, time to live and cache size
     * @param dropped the store's counter of messages dropped by the overflow policy
     * @param expired the store's counter of messages whose time to live ran out
     */
    Backlog(StoreSettings settings, AtomicLong dropped, AtomicLong expired) {
        this.settings = settings;
        this.memoryLane = new MemoryLane(settings.cacheBytes());
        this.dropped = dropped;
        this.expired = expired;
    }

    /** Recovery is done: the recovered messages are queued first, new ones are written with {@code commit}. */
    void recovered(GroupCommit c, StoreRecovery.Result r) {
        commit = c;
        for (StoredMessage e : r.entries()) {
            queues.add(e);
            depth++;
            bytes += e.size();
        }
        nextSeq = r.nextSeq();
        expired.addAndGet(r.expired());
    }

    /**
     * Queues a message, making room by the overflow policy; a QoS 1/2 message of a durable store is also
     * buffered for the next group commit.
     *
     * @return {@link #REFUSED}, {@link #SAFE_NOW} (not written: whenSafe is the caller's to run) or
     *         {@link #SAFE_AFTER_COMMIT} (the group commit runs whenSafe)
     */
    int add(String topic, byte[] payload, int qos, boolean retained, int priority, Runnable whenSafe) {
        long size = payload.length + topic.length();
        boolean kept = true;
        boolean durable = commit != null;
        boolean persist = durable && qos > 0;
        boolean memoryOnly = durable && !persist;
        while (kept && (depth >= settings.maxMessages() || bytes + size > settings.maxBytes())) {
            kept = drop(settings.dropOldest() ? queues.oldest() : null);
        }
        while (kept && memoryOnly && !memoryLane.hasRoomFor(payload.length)) {
            kept = drop(memoryLane.oldestWaiting(queues));
        }
        if (!kept) {
            dropped.incrementAndGet();
            return REFUSED;
        }
        byte[] t = persist ? topic.getBytes(StandardCharsets.UTF_8) : null;
        int segment = memoryOnly ? MEMORY_ONLY : durable ? commit.active() : 0;
        StoredMessage e = new StoredMessage(
                nextSeq++,
                priority > 0 ? 1 : 0,
                qos,
                retained,
                topic,
                settings.expiresAt(System.currentTimeMillis()),
                segment,
                durable ? commit.position() : 0,
                persist ? SegmentLog.recordLength(t.length, payload.length) : 0,
                payload.length,
                payload);
        if (memoryOnly) {
            memoryLane.add(e);
        } else {
            cachedBytes += payload.length;
        }
        if (persist) {
            commit.add(e, t, payload, whenSafe);
        }
        queues.add(e);
        depth++;
        bytes += size;
        return persist ? SAFE_AFTER_COMMIT : SAFE_NOW;
    }

    /** Drops a queued message to make room (counted); false when there is none to drop. */
    private boolean drop(StoredMessage victim) {
        if (victim == null) {
            return false;
        }
        queues.remove(victim);
        finish(victim);
        dropped.incrementAndGet();
        return true;
    }

    /**
     * @return the next message to send, moved to in-flight; expired ones are dropped (counted) on the way;
     *         null when none is queued
     */
    StoredMessage take() {
        for (StoredMessage e = queues.poll(); e != null; e = queues.poll()) {
            if (e.expiresAt >= System.currentTimeMillis()) {
                queues.taken(e);
                return e;
            }
            expired.incrementAndGet();
            finish(e);
        }
        return null;
    }

    /** The broker has the message: it is forgotten. */
    void done(StoredMessage e) {
        if (queues.acknowledged(e)) {
            finish(e);
        }
    }

    boolean inFlight(StoredMessage e) {
        return queues.inFlight(e);
    }

    void requeueInflight() {
        queues.requeueInflight();
    }

    private void finish(StoredMessage e) {
        depth--;
        bytes -= e.size();
        e.finished = true;
        if (e.memoryOnly()) {
            memoryLane.finished(e);
            return;
        }
        if (e.payload != null) {
            cachedBytes -= e.payloadLen;
        }
        if (commit != null) {
            commit.finished(e);
        }
    }

    /** Keeps at most {@code cacheBytes} of written payloads in memory: the newest lose theirs first. */
    void evictCached(List<StoredMessage> committed) {
        for (int i = committed.size() - 1; i >= 0 && cachedBytes > settings.cacheBytes(); i--) {
            StoredMessage e = committed.get(i);
            if (e.payload != null && commit.holds(e.segment)) {
                e.payload = null;
                cachedBytes -= e.payloadLen;
            }
        }
    }

    /** @return messages held (queued and in flight) */
    int depth() {
        return depth;
    }
}
