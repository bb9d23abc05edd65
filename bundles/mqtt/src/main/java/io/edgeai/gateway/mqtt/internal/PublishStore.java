package io.edgeai.gateway.mqtt.internal;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages a connection still has to publish: bounded, by priority, FIFO within a priority, and
 * (when durable) kept in append-only segment files until the broker acknowledged them.
 *
 * <p>Durability: {@link #append} copies the record into a buffer and returns; the store's writer
 * thread writes all buffered records in one go (group commit), forces them to the device when
 * {@code fsync} is set, and only then runs the records' {@code whenSafe} callbacks. A published
 * message's sequence number goes to {@code acked.log}; on open, every record in a segment that is not
 * in that log (and not expired) is queued again, so a message the broker got but whose PUBACK was not
 * yet recorded is sent twice (at least once). Segments whose records are all done are deleted; when
 * the store runs empty (after 1 MB of acknowledgements or 4 MB of records) it starts a fresh segment and
 * truncates the acknowledgement log. A torn record at a segment's end (a
 * crash during a write) fails its CRC and is cut off; its whenSafe had not run, so its input was
 * not acknowledged either.
 *
 * <p>QoS 0 messages are never written, even to a durable store: MQTT delivers them at most once, so they
 * queue in memory only (in order with the others, lost on a restart), and their whenSafe runs at once. Their
 * payloads together stay under {@code cacheBytes}; beyond it the oldest queued QoS 0 message makes room
 * (dropped, counted), or the new one is refused when no queued QoS 0 message is left to drop.
 */
final class PublishStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PublishStore.class);
    private static final String ACKS = "acked.log";
    private static final long ACK_LOG_RESET_BYTES = 1L << 20;
    /** The segment of a message that is not written (QoS 0 in a durable store). */
    private static final int MEMORY_ONLY = -1;

    /** One stored message; payload is null while it is only on disk. */
    static final class Entry {
        final long seq;
        final int priority;
        final int qos;
        final boolean retained;
        final String topic;
        final long expiresAt;
        final int segment;
        final long pos;
        final int recordLen;
        final int payloadLen;
        volatile byte[] payload;
        /** Sent, dropped or expired (guarded by the store's lock). */
        boolean finished;

        Entry(long seq, int priority, int qos, boolean retained, String topic, long expiresAt, int segment, long pos,
                int recordLen, int payloadLen, byte[] payload) {
            this.seq = seq;
            this.priority = priority;
            this.qos = qos;
            this.retained = retained;
            this.topic = topic;
            this.expiresAt = expiresAt;
            this.segment = segment;
            this.pos = pos;
            this.recordLen = recordLen;
            this.payloadLen = payloadLen;
            this.payload = payload;
        }

        long size() {
            return payloadLen + topic.length();
        }

        boolean memoryOnly() {
            return segment == MEMORY_ONLY;
        }
    }

    private record Chunk(int segment, byte[] bytes, int length) {
    }

    private final StoreSettings settings;
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final Condition work = lock.newCondition();
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Entry>[] queues = new ArrayDeque[] {new ArrayDeque<>(), new ArrayDeque<>()};
    private final TreeMap<Long, Entry> inflight = new TreeMap<>();
    private final Map<Integer, Integer> live = new HashMap<>();
    private final Map<Integer, Long> segmentBytes = new HashMap<>();
    private final Set<Integer> dead = new HashSet<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final Thread writer;
    // guarded by lock
    private long nextSeq = 1;
    private int depth;
    private long bytes;
    private long cachedBytes;
    /** QoS 0 messages of a durable store, oldest first; finished ones are skipped when met. */
    private final ArrayDeque<Entry> memoryOnly = new ArrayDeque<>();
    private long memoryOnlyBytes;
    private int active;
    private long activeSize;
    private byte[] pending = new byte[64 * 1024];
    private int pendingLen;
    private List<Chunk> chunks = new ArrayList<>();
    private List<Entry> uncommitted = new ArrayList<>();
    private List<Runnable> callbacks = new ArrayList<>();
    private long[] acks = new long[1024];
    private int ackCount;
    private long ackLogBytes;
    private boolean running = true;
    // writer thread only
    private final Map<Integer, FileChannel> writeChannels = new HashMap<>();
    private FileChannel ackChannel;
    private final Map<Integer, FileChannel> readChannels = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Opens the store, recovering what a previous run left in its directory.
     *
     * @param name connection name, for logs and the writer thread
     * @param settings bounds and durability
     * @throws IOException when the directory cannot be used
     */
    PublishStore(String name, StoreSettings settings) throws IOException {
        this.name = name;
        this.settings = settings;
        if (settings.durable()) {
            Files.createDirectories(settings.directory());
            recover();
            ackChannel = FileChannel.open(settings.directory().resolve(ACKS), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            ackLogBytes = ackChannel.size();
            writer = new Thread(this::writeLoop, "edgeai-mqtt-" + name + "-store");
            writer.setDaemon(true);
            writer.start();
        } else {
            writer = null;
        }
        live.put(active, 0);
    }

    // ---- producers ----

    /**
     * Stores a message. Never blocks on I/O.
     *
     * @return false when the store was full and the message was refused (counted); whenSafe runs anyway
     */
    boolean append(String topic, byte[] payload, int qos, boolean retained, int priority, Runnable whenSafe) {
        int prio = priority > 0 ? 1 : 0;
        long size = payload.length + topic.length();
        boolean kept = true;
        boolean persist = settings.durable() && qos > 0;
        boolean memoryOnlyQos0 = settings.durable() && !persist;
        byte[] t = persist ? topic.getBytes(StandardCharsets.UTF_8) : null;
        boolean runNow = !persist;
        lock.lock();
        try {
            while (kept && running && (depth >= settings.maxMessages() || bytes + size > settings.maxBytes())) {
                kept = drop(settings.dropOldest() ? oldestQueued() : null);
            }
            while (kept && running && memoryOnlyQos0 && memoryOnlyBytes + payload.length > settings.cacheBytes()) {
                kept = drop(oldestMemoryOnlyQueued());
            }
            if (!running) {
                kept = false;
            }
            if (!kept) {
                dropped.incrementAndGet();
                runNow = true;
            } else {
                long expiresAt = settings.ttlMillis() == 0 ? Long.MAX_VALUE
                        : System.currentTimeMillis() + settings.ttlMillis();
                long seq = nextSeq++;
                int recordLen = persist ? 4 + 4 + 8 + 3 + 8 + 2 + t.length + payload.length : 0;
                Entry e = new Entry(seq, prio, qos, retained, topic, expiresAt, memoryOnlyQos0 ? MEMORY_ONLY : active,
                        activeSize, recordLen, payload.length, payload);
                if (e.memoryOnly()) {
                    memoryOnly.add(e);
                    memoryOnlyBytes += payload.length;
                } else {
                    live.merge(e.segment, 1, Integer::sum);
                }
                if (persist) {
                    encode(e, t, payload);
                    uncommitted.add(e);
                    if (whenSafe != null) {
                        callbacks.add(whenSafe);
                    }
                    activeSize += recordLen;
                    if (activeSize >= settings.segmentBytes()) {
                        roll();
                    }
                    work.signal();
                }
                if (!e.memoryOnly()) {
                    cachedBytes += payload.length;
                }
                queues[prio].add(e);
                depth++;
                bytes += size;
                available.signal();
            }
        } finally {
            lock.unlock();
        }
        if (runNow && whenSafe != null) {
            whenSafe.run();
        }
        return kept;
    }

    /** Drops a queued message to make room (counted); false when there is none to drop. Under the lock. */
    private boolean drop(Entry victim) {
        if (victim == null) {
            return false;
        }
        queues[victim.priority].remove(victim);
        markDone(victim);
        dropped.incrementAndGet();
        return true;
    }

    private Entry oldestQueued() {
        Entry e = queues[0].peekFirst();
        return e != null ? e : queues[1].peekFirst();
    }

    /** @return the oldest QoS 0 message still waiting to be sent (not finished, not in flight), or null */
    private Entry oldestMemoryOnlyQueued() {
        for (var it = memoryOnly.iterator(); it.hasNext();) {
            Entry e = it.next();
            if (e.finished) {
                it.remove();
            } else if (!inflight.containsKey(e.seq)) {
                return e;
            }
        }
        return null;
    }

    private void encode(Entry e, byte[] topic, byte[] payload) {
        int need = pendingLen + e.recordLen;
        if (need > pending.length) {
            pending = java.util.Arrays.copyOf(pending, Math.max(need, pending.length * 2));
        }
        ByteBuffer b = ByteBuffer.wrap(pending, pendingLen, e.recordLen);
        b.putInt(e.recordLen - 8);
        int crcAt = b.position();
        b.putInt(0);
        int body = b.position();
        b.putLong(e.seq).put((byte) e.priority).put((byte) e.qos).put((byte) (e.retained ? 1 : 0))
                .putLong(e.expiresAt).putShort((short) topic.length).put(topic).put(payload);
        CRC32 crc = new CRC32();
        crc.update(pending, body, e.recordLen - 8);
        ByteBuffer.wrap(pending, crcAt, 4).putInt((int) crc.getValue());
        pendingLen = need;
    }

    private void roll() {
        if (pendingLen > 0) {
            chunks.add(new Chunk(active, pending, pendingLen));
            pending = new byte[64 * 1024];
            pendingLen = 0;
        }
        if (live.getOrDefault(active, 0) == 0) {
            dead.add(active);
        }
        active++;
        activeSize = 0;
        live.put(active, 0);
    }

    // ---- the sender ----

    /**
     * Takes the next message to send: the oldest of the highest priority. Expired messages are dropped
     * (counted) on the way.
     *
     * @return the message, moved to in-flight, or null after the timeout
     */
    Entry take(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            while (true) {
                Entry e = queues[1].pollFirst();
                if (e == null) {
                    e = queues[0].pollFirst();
                }
                if (e != null) {
                    if (e.expiresAt < System.currentTimeMillis()) {
                        expired.incrementAndGet();
                        markDone(e);
                        continue;
                    }
                    inflight.put(e.seq, e);
                    return e;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !running) {
                    return null;
                }
                available.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return the message's payload, read back from its segment when it is no longer cached */
    byte[] payload(Entry e) throws IOException {
        byte[] p = e.payload;
        if (p != null) {
            return p;
        }
        FileChannel ch = readChannels.computeIfAbsent(e.segment, s -> {
            try {
                return FileChannel.open(segmentFile(s), StandardOpenOption.READ);
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        });
        ByteBuffer b = ByteBuffer.allocate(e.payloadLen);
        long at = e.pos + e.recordLen - e.payloadLen;
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new EOFException("segment " + e.segment + " ends before message " + e.seq);
            }
        }
        return b.array();
    }

    /** The broker has the message (PUBACK, or handed over at QoS 0): it is forgotten. */
    void done(Entry e) {
        lock.lock();
        try {
            if (inflight.remove(e.seq) != null) {
                markDone(e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return whether the message is still taken by the sender (not requeued by a reconnect) */
    boolean inFlight(Entry e) {
        lock.lock();
        try {
            return inflight.containsKey(e.seq);
        } finally {
            lock.unlock();
        }
    }

    /** The connection was lost: messages in flight go back to the front of their queues, in order. */
    void requeueInflight() {
        lock.lock();
        try {
            for (Entry e : inflight.descendingMap().values()) {
                queues[e.priority].addFirst(e);
            }
            inflight.clear();
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void markDone(Entry e) {
        depth--;
        bytes -= e.size();
        e.finished = true;
        if (e.memoryOnly()) {
            memoryOnlyBytes -= e.payloadLen;
            while (!memoryOnly.isEmpty() && memoryOnly.peekFirst().finished) {
                memoryOnly.pollFirst();
            }
            return;
        }
        if (e.payload != null) {
            cachedBytes -= e.payloadLen;
        }
        int left = live.merge(e.segment, -1, Integer::sum);
        if (left == 0 && e.segment != active) {
            dead.add(e.segment);
        }
        if (settings.durable()) {
            if (ackCount == acks.length) {
                acks = java.util.Arrays.copyOf(acks, acks.length * 2);
            }
            acks[ackCount++] = e.seq;
            work.signal();
        }
    }

    // ---- the writer: group commit ----

    private void writeLoop() {
        while (true) {
            List<Chunk> write;
            List<Entry> committed;
            List<Runnable> safe;
            long[] ackBatch;
            int ackN;
            Set<Integer> delete;
            boolean reset;
            lock.lock();
            try {
                while (running && pendingLen == 0 && chunks.isEmpty() && ackCount == 0 && dead.isEmpty()) {
                    work.awaitUninterruptibly();
                }
                if (!running && pendingLen == 0 && chunks.isEmpty() && ackCount == 0 && uncommitted.isEmpty()) {
                    return;
                }
                if (pendingLen > 0) {
                    chunks.add(new Chunk(active, pending, pendingLen));
                    pending = new byte[Math.max(64 * 1024, pendingLen)];
                    pendingLen = 0;
                }
                write = chunks;
                chunks = new ArrayList<>();
                committed = uncommitted;
                uncommitted = new ArrayList<>();
                safe = callbacks;
                callbacks = new ArrayList<>();
                ackBatch = acks;
                ackN = ackCount;
                acks = new long[Math.max(1024, ackN)];
                ackCount = 0;
                // the store ran empty: start over with a fresh segment and an empty acknowledgement log
                reset = depth == 0 && (ackLogBytes + 8L * ackN > ACK_LOG_RESET_BYTES
                        || activeSize > 4 * ACK_LOG_RESET_BYTES);
                if (reset) {
                    if (live.getOrDefault(active, 0) == 0) {
                        dead.add(active);
                    }
                    active++;
                    activeSize = 0;
                    live.put(active, 0);
                }
                delete = new HashSet<>(dead);
                dead.clear();
            } finally {
                lock.unlock();
            }
            try {
                Set<Integer> touched = new HashSet<>();
                for (Chunk c : write) {
                    FileChannel ch = writeChannel(c.segment());
                    ByteBuffer b = ByteBuffer.wrap(c.bytes(), 0, c.length());
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    segmentBytes.merge(c.segment(), (long) c.length(), Long::sum);
                    touched.add(c.segment());
                }
                if (ackN > 0 && !reset) {
                    ByteBuffer b = ByteBuffer.allocate(8 * ackN);
                    for (int i = 0; i < ackN; i++) {
                        b.putLong(ackBatch[i]);
                    }
                    b.flip();
                    while (b.hasRemaining()) {
                        ackChannel.write(b);
                    }
                    ackLogBytes += 8L * ackN;
                }
                if (settings.fsync()) {
                    for (int s : touched) {
                        writeChannels.get(s).force(false);
                    }
                    if (ackN > 0 && !reset) {
                        ackChannel.force(false);
                    }
                }
                int newest = touched.stream().mapToInt(Integer::intValue).max().orElse(-1);
                for (Map.Entry<Integer, FileChannel> old : new ArrayList<>(writeChannels.entrySet())) {
                    if (old.getKey() < newest) {
                        old.getValue().close(); // a closed segment is not written again
                        writeChannels.remove(old.getKey());
                    }
                }
                for (int s : delete) {
                    deleteSegment(s);
                }
                if (reset) {
                    ackChannel.truncate(0);
                    ackLogBytes = 0;
                }
            } catch (IOException | RuntimeException e) {
                // the records stay in memory and are still sent; only a restart would lose them
                LOG.error("Publish store of {} cannot write to {}: {}", name, settings.directory(), e.toString());
            }
            lock.lock();
            try {
                if (cachedBytes > settings.cacheBytes()) {
                    for (int i = committed.size() - 1; i >= 0 && cachedBytes > settings.cacheBytes(); i--) {
                        Entry e = committed.get(i);
                        if (e.payload != null && live.containsKey(e.segment)) {
                            e.payload = null;
                            cachedBytes -= e.payloadLen;
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
            for (Runnable r : safe) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("A whenSafe callback of {} failed: {}", name, e.toString());
                }
            }
        }
    }

    private FileChannel writeChannel(int segment) throws IOException {
        FileChannel ch = writeChannels.get(segment);
        if (ch == null) {
            ch = FileChannel.open(segmentFile(segment), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            writeChannels.put(segment, ch);
        }
        return ch;
    }

    private void deleteSegment(int s) throws IOException {
        FileChannel w = writeChannels.remove(s);
        if (w != null) {
            w.close();
        }
        FileChannel r = readChannels.remove(s);
        if (r != null) {
            r.close();
        }
        Files.deleteIfExists(segmentFile(s));
        segmentBytes.remove(s);
        lock.lock();
        try {
            if (s != active) {
                live.remove(s);
            }
        } finally {
            lock.unlock();
        }
    }

    private Path segmentFile(int s) {
        return settings.directory().resolve(String.format("seg-%08d.log", s));
    }

    // ---- recovery ----

    private void recover() throws IOException {
        Path dir = settings.directory();
        Set<Long> acked = new HashSet<>();
        long maxSeq = 0;
        Path ackFile = dir.resolve(ACKS);
        if (Files.exists(ackFile)) {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(ackFile));
            while (b.remaining() >= 8) {
                long s = b.getLong();
                acked.add(s);
                maxSeq = Math.max(maxSeq, s);
            }
        }
        List<Integer> segments = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.matches("seg-\\d{8}\\.log"))
                    .forEach(n -> segments.add(Integer.parseInt(n.substring(4, 12))));
        }
        segments.sort(null);
        int recovered = 0;
        long now = System.currentTimeMillis();
        for (int s : segments) {
            long[] maxHolder = {maxSeq};
            int n = recoverSegment(s, acked, now, maxHolder);
            maxSeq = maxHolder[0];
            recovered += n;
            if (n == 0) {
                Files.deleteIfExists(segmentFile(s));
            } else {
                segmentBytes.put(s, Files.size(segmentFile(s)));
            }
            active = s + 1;
        }
        nextSeq = maxSeq + 1;
        if (recovered > 0) {
            LOG.info("Publish store of {}: {} messages from before the restart are queued again", name, recovered);
        }
    }

    private int recoverSegment(int s, Set<Long> acked, long now, long[] maxSeq) throws IOException {
        Path file = segmentFile(s);
        long pos = 0;
        int n = 0;
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            while (true) {
                int len;
                try {
                    len = in.readInt();
                } catch (EOFException end) {
                    break;
                }
                if (len < 21 || len > (1 << 28)) {
                    break;
                }
                int crc = in.readInt();
                byte[] body = new byte[len];
                try {
                    in.readFully(body);
                } catch (EOFException torn) {
                    break;
                }
                CRC32 c = new CRC32();
                c.update(body);
                if ((int) c.getValue() != crc) {
                    break;
                }
                ByteBuffer b = ByteBuffer.wrap(body);
                long seq = b.getLong();
                int prio = b.get();
                int qos = b.get();
                boolean retained = b.get() != 0;
                long expiresAt = b.getLong();
                byte[] topic = new byte[b.getShort() & 0xffff];
                b.get(topic);
                int payloadLen = b.remaining();
                maxSeq[0] = Math.max(maxSeq[0], seq);
                if (!acked.contains(seq)) {
                    if (expiresAt < now) {
                        expired.incrementAndGet();
                    } else {
                        String t = new String(topic, StandardCharsets.UTF_8);
                        Entry e = new Entry(seq, prio > 0 ? 1 : 0, qos, retained, t, expiresAt, s, pos, len + 8,
                                payloadLen, null);
                        queues[e.priority].add(e);
                        depth++;
                        bytes += e.size();
                        n++;
                    }
                }
                pos += len + 8;
            }
        }
        if (pos < Files.size(file)) {
            LOG.warn("Publish store of {}: segment {} has a torn record at {}; cut off there", name, s, pos);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(pos);
            }
        }
        if (n > 0) {
            live.put(s, n);
        }
        return n;
    }

    // ---- status and close ----

    /** @return messages held (queued and in flight) */
    int depth() {
        lock.lock();
        try {
            return depth;
        } finally {
            lock.unlock();
        }
    }

    /** @return bytes of segment files and acknowledgement log */
    long diskBytes() {
        lock.lock();
        try {
            return segmentBytes.values().stream().mapToLong(Long::longValue).sum() + ackLogBytes;
        } finally {
            lock.unlock();
        }
    }

    /** @return messages dropped by the overflow policy */
    long dropped() {
        return dropped.get();
    }

    /** @return messages dropped because their time to live ran out */
    long expired() {
        return expired.get();
    }

    /** Writes what is buffered and stops the writer; undelivered messages stay on disk. */
    @Override
    public void close() {
        lock.lock();
        try {
            running = false;
            work.signalAll();
            available.signalAll();
        } finally {
            lock.unlock();
        }
        if (writer != null) {
            try {
                writer.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (FileChannel ch : writeChannels.values()) {
                closeQuietly(ch);
            }
            closeQuietly(ackChannel);
        }
        readChannels.values().forEach(PublishStore::closeQuietly);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException e) {
            // closing after the last write
        }
    }
}
