package io.edgeai.gateway.mqtt.internal;

import java.util.ArrayDeque;
import java.util.TreeMap;

/**
 * The publish store's messages waiting to be sent, by priority (high before routine, FIFO within one), and
 * those the sender has taken but the broker not yet acknowledged. Guarded by the store's lock.
 */
final class SendQueues {
    private final ArrayDeque<StoredMessage> routine = new ArrayDeque<>();
    private final ArrayDeque<StoredMessage> high = new ArrayDeque<>();
    private final TreeMap<Long, StoredMessage> inflight = new TreeMap<>();

    private ArrayDeque<StoredMessage> queueOf(StoredMessage e) {
        return e.priority > 0 ? high : routine;
    }

    /** Queues a message behind the others of its priority. */
    void add(StoredMessage e) {
        queueOf(e).add(e);
    }

    /** @return the next message to send (the oldest of the highest priority), removed; null when none */
    StoredMessage poll() {
        StoredMessage e = high.pollFirst();
        return e != null ? e : routine.pollFirst();
    }

    /** @return the message the drop-oldest policy gives up first: the oldest routine one, else the oldest */
    StoredMessage oldest() {
        StoredMessage e = routine.peekFirst();
        return e != null ? e : high.peekFirst();
    }

    /** Removes a queued message (dropped to make room). */
    void remove(StoredMessage e) {
        queueOf(e).remove(e);
    }

    /** The sender took the message: it waits for the broker's acknowledgement. */
    void taken(StoredMessage e) {
        inflight.put(e.seq, e);
    }

    /** @return whether the message is taken and not yet acknowledged or requeued */
    boolean inFlight(StoredMessage e) {
        return inflight.containsKey(e.seq);
    }

    /** @return whether the message was in flight (and is no more) */
    boolean acknowledged(StoredMessage e) {
        return inflight.remove(e.seq) != null;
    }

    /** The connection was lost: messages in flight go back to the front of their queues, in order. */
    void requeueInflight() {
        for (StoredMessage e : inflight.descendingMap().values()) {
            queueOf(e).addFirst(e);
        }
        inflight.clear();
    }
}
