package io.edgeai.gateway.mqtt.internal;

import java.util.ArrayDeque;

/**
 * QoS 0 messages of a durable store. MQTT delivers them at most once, so they are never written: they queue
 * in memory only (in order with the others, lost on a restart) and their payloads together stay under
 * {@code cacheBytes}. Guarded by the store's lock.
 */
final class MemoryLane {
    /** Oldest first; finished ones are skipped when met. */
    private final ArrayDeque<StoredMessage> entries = new ArrayDeque<>();

    private final long capacity;
    private long bytes;

    /** @param capacity most payload bytes held */
    MemoryLane(long capacity) {
        this.capacity = capacity;
    }

    /** @return whether a payload of this size fits beside those held */
    boolean hasRoomFor(int payloadLength) {
        return bytes + payloadLength <= capacity;
    }

    void add(StoredMessage e) {
        entries.add(e);
        bytes += e.payloadLen;
    }

    /**
     * @param queues the store's queues, to skip a message in flight
     * @return the oldest message that still waits to be sent (not finished, not in flight), or null
     */
    StoredMessage oldestWaiting(SendQueues queues) {
        for (var it = entries.iterator(); it.hasNext(); ) {
            StoredMessage e = it.next();
            if (e.finished) {
                it.remove();
            } else if (!queues.inFlight(e)) {
                return e;
            }
        }
        return null;
    }

    /** The message was sent, dropped or expired (already marked finished). */
    void finished(StoredMessage e) {
        bytes -= e.payloadLen;
        while (!entries.isEmpty() && entries.peekFirst().finished) {
            entries.pollFirst();
        }
    }
}
