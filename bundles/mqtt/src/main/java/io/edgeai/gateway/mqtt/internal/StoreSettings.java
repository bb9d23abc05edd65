package io.edgeai.gateway.mqtt.internal;

import java.nio.file.Path;

/**
 * Settings of a connection's publish store.
 *
 * @param directory where segment files live; null for a memory-only store (nothing survives a restart)
 * @param maxMessages most messages held
 * @param maxBytes most payload and topic bytes held
 * @param ttlMillis how long a message may wait before it is dropped (counted); 0 for no limit
 * @param dropOldest overflow policy: true drops the oldest routine message, false refuses the new one
 * @param fsync whether each group commit is forced to the device (survives power loss) or only written
 *        to the operating system (survives a crash of the JVM)
 * @param segmentBytes size at which a segment file is closed and a new one started
 * @param cacheBytes payload bytes kept in memory as well, so a short backlog is sent without reading back
 */
public record StoreSettings(
        Path directory,
        int maxMessages,
        long maxBytes,
        long ttlMillis,
        boolean dropOldest,
        boolean fsync,
        long segmentBytes,
        long cacheBytes) {

    /** Validates. */
    public StoreSettings {
        if (maxMessages < 1 || maxBytes < 1 || segmentBytes < 1024 || ttlMillis < 0 || cacheBytes < 0) {
            throw new IllegalArgumentException("store bounds must be positive (maxMessages " + maxMessages
                    + ", maxBytes " + maxBytes + ", segmentBytes " + segmentBytes + ", ttl " + ttlMillis + ")");
        }
    }

    /**
     * @param capacity most messages held
     * @return a memory-only store that drops the oldest message when full
     */
    public static StoreSettings memory(int capacity) {
        return new StoreSettings(null, capacity, Long.MAX_VALUE, 0, true, false, 64L << 20, Long.MAX_VALUE);
    }

    /**
     * @param dir directory of the segment files
     * @param capacity most messages held
     * @return a durable store with the shipped defaults (256 MB, no TTL, drop oldest, fsync)
     */
    public static StoreSettings disk(Path dir, int capacity) {
        return new StoreSettings(dir, capacity, 256L << 20, 0, true, true, 16L << 20, 16L << 20);
    }

    /**
     * @param lane a lane's name
     * @return the same store settings for a lane, in a directory of its own beside this one's
     */
    public StoreSettings forLane(String lane) {
        return directory == null
                ? this
                : new StoreSettings(
                        directory.resolveSibling(directory.getFileName() + "." + lane),
                        maxMessages,
                        maxBytes,
                        ttlMillis,
                        dropOldest,
                        fsync,
                        segmentBytes,
                        cacheBytes);
    }

    /**
     * @param now the time a message is stored
     * @return when its time to live runs out ({@link Long#MAX_VALUE} for no limit)
     */
    public long expiresAt(long now) {
        return ttlMillis == 0 ? Long.MAX_VALUE : now + ttlMillis;
    }

    /** @return whether messages are kept on disk */
    public boolean durable() {
        return directory != null;
    }
}
