package io.edgeai.gateway.mqtt.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages a connection still has to publish: bounded, by priority, FIFO within a priority, and
 * (when durable) kept in append-only segment files until the broker acknowledged them.
 *
 * <p>This class owns the lock, the threads and the order of start-up; the pieces it guards are
 * {@link Backlog} (bounds, overflow policy, time to live, cache), {@link SendQueues} (priorities and in
 * flight), {@link MemoryLane} (QoS 0 of a durable store: never written), {@link GroupCommit} (the writer's
 * batches), {@link SegmentLog} and {@link AckLog} (the files) and {@link StoreRecovery} (reading them back).
 *
 * <p>Durability: {@link #append} copies the record into a buffer and returns; the writer thread writes all
 * buffered records in one go, forces them to the device when {@code fsync} is set, and only then runs the
 * records' {@code whenSafe} callbacks. QoS 0 messages are never written; their whenSafe runs at once.
 *
 * <p>Recovery (up to {@code maxBytes} of segments) runs in {@link #recover}, on the caller's thread: for a
 * connection its publisher thread, so activation does not wait for it. Messages offered meanwhile are accepted
 * ({@link EarlyMessages}), queued behind the recovered ones when it is done, and {@link #take} hands out nothing
 * before.
 */
final class PublishStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PublishStore.class);

    private final StoreSettings settings;
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final Condition work = lock.newCondition();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    /** Held for the whole of a recovery: a second caller (close) waits for the first. */
    private final Object opening = new Object();

    private volatile Thread writer;
    /** Null for a memory store, and until recovery opened the files; set once. */
    private volatile GroupCommit commit;
    // guarded by lock
    private final Backlog backlog;
    private final EarlyMessages early;
    private boolean ready;
    private boolean running = true;

    /**
     * Opens the store, recovering what a previous run left in its directory, on the calling thread.
     *
     * @param name connection name, for logs and the writer thread
     * @param settings bounds and durability
     * @throws IOException when the directory cannot be used
     */
    PublishStore(String name, StoreSettings settings) throws IOException {
        this(settings, name);
        open();
    }

    /** Touches no file (its parameters swapped only to tell it from the constructor above). */
    private PublishStore(StoreSettings settings, String name) {
        this.name = name;
        this.settings = settings;
        this.backlog = new Backlog(settings, dropped, expired);
        this.early = new EarlyMessages(settings, dropped);
        this.ready = !settings.durable();
    }

    /**
     * A store that accepts messages at once and reads its directory only in {@link #recover}.
     *
     * @param name connection name, for logs and the writer thread
     * @param settings bounds and durability
     */
    static PublishStore deferred(String name, StoreSettings settings) {
        return new PublishStore(settings, name);
    }

    /**
     * Recovers what a previous run left and starts the writer; does nothing when done before or closed. When the
     * directory cannot be used, the error is logged and the store keeps messages in memory only.
     */
    void recover() {
        try {
            open();
        } catch (ClosedByInterruptException | InterruptedIOException e) {
            // closing: close() recovers itself if messages wait to be written
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.error(
                    "Publish store of {} cannot use {}: {}; messages are kept in memory only until a restart",
                    name,
                    settings.directory(),
                    e.toString());
            ready(null, null);
        }
    }

    private void open() throws IOException {
        synchronized (opening) {
            lock.lock();
            try {
                if (ready || !running) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            Files.createDirectories(settings.directory());
            SegmentLog segments = new SegmentLog(name, settings.directory());
            long now = System.currentTimeMillis();
            StoreRecovery.Result r = StoreRecovery.run(name, settings.directory(), segments, now);
            AckLog acks = AckLog.open(settings.directory());
            GroupCommit c = new GroupCommit(settings, segments, acks, r.active(), r.live());
            Thread w = new Thread(this::writeLoop, "edgeai-mqtt-" + name + "-store");
            w.setDaemon(true);
            writer = w;
            ready(c, r);
            w.start();
        }
    }

    /** Recovery is over: queues what it found, then what was offered meanwhile; take() may hand out. */
    private void ready(GroupCommit c, StoreRecovery.Result r) {
        List<Runnable> runNow = new ArrayList<>();
        lock.lock();
        try {
            if (r != null) {
                commit = c;
                backlog.recovered(c, r);
            }
            ready = true;
            for (EarlyMessages.Message m = early.poll(); m != null; m = early.poll()) {
                if (backlog.add(m.topic(), m.payload(), m.qos(), m.retained(), m.priority(), m.whenSafe())
                                != Backlog.SAFE_AFTER_COMMIT
                        && m.whenSafe() != null) {
                    runNow.add(m.whenSafe());
                }
            }
            work.signal();
            available.signalAll();
        } finally {
            lock.unlock();
        }
        runNow.forEach(Runnable::run);
    }

    // ---- producers ----

    /**
     * Stores a message. Never blocks on I/O.
     *
     * @return false when the store was full and the message was refused (counted); whenSafe runs anyway
     */
    boolean append(String topic, byte[] payload, int qos, boolean retained, int priority, Runnable whenSafe) {
        List<Runnable> runNow = null;
        int outcome;
        lock.lock();
        try {
            if (!running) {
                dropped.incrementAndGet();
                outcome = Backlog.REFUSED;
            } else if (ready) {
                outcome = backlog.add(topic, payload, qos, retained, priority, whenSafe);
                wakeWriter();
                available.signal();
            } else {
                runNow = new ArrayList<>();
                var m = new EarlyMessages.Message(topic, payload, qos, retained, priority, whenSafe);
                outcome = early.offer(m, runNow) ? Backlog.SAFE_AFTER_COMMIT : Backlog.REFUSED;
            }
        } finally {
            lock.unlock();
        }
        if (runNow != null) {
            runNow.forEach(Runnable::run); // dropped or refused before recovery: never written
        } else if (outcome != Backlog.SAFE_AFTER_COMMIT && whenSafe != null) {
            whenSafe.run();
        }
        return outcome != Backlog.REFUSED;
    }

    // ---- the sender ----

    /**
     * Takes the next message to send: the oldest of the highest priority. Expired messages are dropped
     * (counted) on the way. Nothing is handed out before recovery is done.
     *
     * @return the message, moved to in-flight, or null after the timeout
     */
    StoredMessage take(long timeoutMillis) throws InterruptedException {
        long left = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            while (true) {
                StoredMessage e = ready ? backlog.take() : null;
                wakeWriter(); // expired ones on the way are acknowledged
                if (e != null) {
                    return e;
                }
                if (left <= 0 || !running) {
                    return null;
                }
                left = available.awaitNanos(left); // the time still left (Condition's own idiom)
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return the message's payload, read back from its segment when it is no longer cached */
    byte[] payload(StoredMessage e) throws IOException {
        byte[] p = e.payload;
        return p != null ? p : commit.segments().payload(e.segment, e.pos, e.recordLen, e.payloadLen, e.seq);
    }

    /** The broker has the message (PUBACK, or handed over at QoS 0): it is forgotten. */
    void done(StoredMessage e) {
        lock.lock();
        try {
            backlog.done(e);
            wakeWriter();
        } finally {
            lock.unlock();
        }
    }

    /** @return whether the message is still taken by the sender (not requeued by a reconnect) */
    boolean inFlight(StoredMessage e) {
        lock.lock();
        try {
            return backlog.inFlight(e);
        } finally {
            lock.unlock();
        }
    }

    /** The connection was lost: messages in flight go back to the front of their queues, in order. */
    void requeueInflight() {
        lock.lock();
        try {
            backlog.requeueInflight();
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- the writer thread ----

    /**
     * Wakes the writer when it has something to do (the caller holds the lock). Only then: a wake-up for nothing
     * costs the writer a context switch, three per message for a QoS 0 result that never touches the disk.
     */
    private void wakeWriter() {
        GroupCommit c = commit;
        if (c != null && !c.idle()) {
            work.signal();
        }
    }

    private void writeLoop() {
        GroupCommit c = commit;
        while (true) {
            GroupCommit.Batch batch;
            lock.lock();
            try {
                while (running && c.idle()) {
                    work.awaitUninterruptibly();
                }
                if (!running && c.drained()) {
                    return;
                }
                batch = c.next(backlog.depth() == 0);
            } finally {
                lock.unlock();
            }
            Set<Integer> deleted = Set.of();
            try {
                deleted = c.write(batch);
            } catch (IOException | RuntimeException e) {
                // the records stay in memory and are still sent; only a restart would lose them
                LOG.error("Publish store of {} cannot write to {}: {}", name, settings.directory(), e.toString());
            }
            lock.lock();
            try {
                c.forget(deleted);
                backlog.evictCached(batch.committed());
            } finally {
                lock.unlock();
            }
            batch.runCallbacks(name);
        }
    }

    // ---- status and close ----

    /** @return messages held (queued, in flight, and offered before recovery finished) */
    int depth() {
        lock.lock();
        try {
            return backlog.depth() + early.size();
        } finally {
            lock.unlock();
        }
    }

    /** @return bytes of segment files and acknowledgement log */
    long diskBytes() {
        GroupCommit c = commit;
        return c == null ? 0 : c.diskBytes();
    }

    /** @return messages dropped by the overflow policy */
    long dropped() {
        return dropped.get();
    }

    /** @return messages dropped because their time to live ran out */
    long expired() {
        return expired.get();
    }

    /**
     * Writes what is buffered and stops the writer; undelivered messages stay on disk. Waits for a recovery in
     * progress, and recovers itself when messages offered before recovery would otherwise be lost.
     */
    @Override
    public void close() {
        synchronized (opening) {
            boolean unwritten;
            lock.lock();
            try {
                unwritten = !ready && early.size() > 0;
            } finally {
                lock.unlock();
            }
            if (unwritten) {
                recover();
            }
            lock.lock();
            try {
                running = false;
                work.signalAll();
                available.signalAll();
            } finally {
                lock.unlock();
            }
        }
        Thread w = writer;
        if (w != null) {
            try {
                w.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        GroupCommit c = commit;
        if (c != null) {
            c.close();
        }
    }
}
