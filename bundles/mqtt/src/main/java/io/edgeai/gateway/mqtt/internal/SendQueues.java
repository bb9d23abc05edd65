package io.edgeai.gateway.mqtt.internal;

import java.util.ArrayDeque;
import java.util.TreeMap;

import io.edgeai.gateway.mqtt.internal.PublishStore.Entry;

/**
 * The publish store's messages waiting to be sent, by priority (high before routine, FIFO within one), and
 * those the sender has taken but the broker not yet acknowledged. Guarded by the store's lock.
 */
final class SendQueues {
    private final ArrayDeque<Entry> routine = new ArrayDeque<>();
    private final ArrayDeque<Entry> high = new ArrayDeque<>();
    private final TreeMap<Long, Entry> inflight = new TreeMap<>();

    private ArrayDeque<Entry> queueOf(Entry e) {
        return e.priority > 0 ? high : routine;
    }

    /** Queues a message behind the others of its priority. */
    void add(Entry e) {
        queueOf(e).add(e);
    }

    /** @return the next message to send (the oldest of the highest priority), removed; null when none */
    Entry poll() {
        Entry e = high.pollFirst();
        return e != null ? e : routine.pollFirst();
    }

    /** @return the message the drop-oldest policy gives up first: the oldest routine one, else the oldest */
    Entry oldest() {
        Entry e = routine.peekFirst();
        return e != null ? e : high.peekFirst();
    }

    /** Removes a queued message (dropped to make room). */
    void remove(Entry e) {
        queueOf(e).remove(e);
    }

    /** The sender took the message: it waits for the broker's acknowledgement. */
    void taken(Entry e) {
        inflight.put(e.seq, e);
    }

    /** @return whether the message is taken and not yet acknowledged or requeued */
    boolean inFlight(Entry e) {
        return inflight.containsKey(e.seq);
    }

    /** @return whether the message was in flight (and is no more) */
    boolean acknowledged(Entry e) {
        return inflight.remove(e.seq) != null;
    }

    /** The connection was lost: messages in flight go back to the front of their queues, in order. */
    void requeueInflight() {
        for (Entry e : inflight.descendingMap().values()) {
            queueOf(e).addFirst(e);
        }
        inflight.clear();
    }
}
