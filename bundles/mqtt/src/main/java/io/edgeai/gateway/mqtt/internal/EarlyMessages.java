package io.edgeai.gateway.mqtt.internal;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Messages offered to a durable publish store before its recovery finished: kept in order, within the store's
 * bounds and by its overflow policy, and queued behind the recovered messages once recovery is done (their
 * sequence numbers follow those on disk). Guarded by the store's lock.
 */
final class EarlyMessages {
    /** One offered message, as {@link PublishStore#append} got it. */
    record Message(String topic, byte[] payload, int qos, boolean retained, int priority, Runnable whenSafe) {
        long size() {
            return payload.length + topic.length();
        }
    }

    private final ArrayDeque<Message> messages = new ArrayDeque<>();
    private final StoreSettings settings;
    private final AtomicLong dropped;
    private long bytes;

    /**
     * @param settings the store's bounds and overflow policy
     * @param dropped the store's counter of dropped messages
     */
    EarlyMessages(StoreSettings settings, AtomicLong dropped) {
        this.settings = settings;
        this.dropped = dropped;
    }

    /**
     * Keeps a message; when full, drops the oldest kept one (drop-oldest) or refuses this one (drop-newest).
     *
     * @param runNow collects the whenSafe callbacks of the messages dropped or refused, to run outside the lock
     * @return whether the message was kept
     */
    boolean offer(Message m, List<Runnable> runNow) {
        while (!messages.isEmpty() && full(m) && settings.dropOldest()) {
            Message victim = messages.pollFirst();
            bytes -= victim.size();
            dropped.incrementAndGet();
            if (victim.whenSafe() != null) {
                runNow.add(victim.whenSafe());
            }
        }
        if (full(m)) {
            dropped.incrementAndGet();
            if (m.whenSafe() != null) {
                runNow.add(m.whenSafe());
            }
            return false;
        }
        messages.add(m);
        bytes += m.size();
        return true;
    }

    private boolean full(Message m) {
        return messages.size() >= settings.maxMessages() || bytes + m.size() > settings.maxBytes();
    }

    /** @return the oldest message, removed; null when none is left */
    Message poll() {
        Message m = messages.pollFirst();
        if (m != null) {
            bytes -= m.size();
        }
        return m;
    }

    int size() {
        return messages.size();
    }
}
