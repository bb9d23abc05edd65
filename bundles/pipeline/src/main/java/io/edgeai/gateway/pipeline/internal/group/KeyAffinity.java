package io.edgeai.gateway.pipeline.internal.group;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.GroupMembership;
import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.pipeline.internal.decode.Reading;

/**
 * Key affinity of a keyed pipeline in a gateway group: every member receives every input of the filter and
 * processes only the topics it owns (rendezvous hashing over the live members). Inputs of topics another
 * member owns are kept for a while (bounded in time and count) together with the readings they carry; a
 * reading counts as answered once any member's result for it (same device, quantity and timestamp) is seen
 * on the result topics. When the membership changes and this member takes over a topic, it replays that
 * topic's unanswered inputs, so nothing is lost in the gap between a member's death and its last will
 * reaching the others (keep-alive x 1.5). The new owner's window starts empty (it warms up again), and its
 * first result says {@code ownerChanged}. All methods run on the pipeline's worker thread except
 * {@link #resultSeen}.
 */
public final class KeyAffinity {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Results waiting to be matched; beyond it results are not looked at (inputs may then be replayed twice). */
    private static final int RESULT_BACKLOG = 100_000;
    /** Bound on the topics remembered as owned elsewhere (only the ownerChanged flag depends on it). */
    private static final int FOREIGN_TOPICS = 100_000;

    private static final class Held {
        final InboundMessage message;
        final long atMillis;
        final Set<String> unanswered;

        Held(InboundMessage message, long atMillis, Set<String> unanswered) {
            this.message = message;
            this.atMillis = atMillis;
            this.unanswered = unanswered;
        }
    }

    private final GroupMembership membership;
    private final ScaleOut settings;
    private final Consumer<String> forget;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private final Map<String, Held> byReading = new HashMap<>();
    /** Results seen before their input was held here (this member lags), oldest first, with when seen. */
    private final java.util.LinkedHashMap<String, Long> answeredEarly = new java.util.LinkedHashMap<>();

    private final Set<String> owned = new HashSet<>();
    private final Set<String> foreign = new HashSet<>();
    private final Set<String> announce = new HashSet<>();
    private final Queue<byte[]> results = new ConcurrentLinkedQueue<>();
    private final AtomicInteger resultBacklog = new AtomicInteger();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final AtomicLong takeovers = new AtomicLong();
    private final AtomicInteger heldCount = new AtomicInteger();
    private long seenEpoch;

    /**
     * @param membership the group's live members
     * @param settings handover bounds
     * @param forget called with a topic whose window state must be dropped (ownership moved)
     */
    public KeyAffinity(GroupMembership membership, ScaleOut settings, Consumer<String> forget) {
        this.membership = membership;
        this.settings = settings;
        this.forget = forget;
        this.seenEpoch = membership.epoch();
    }

    /**
     * @param topic an input topic
     * @return whether this member processes it now
     */
    public boolean owns(String topic) {
        if (membership.owns(topic)) {
            if (owned.add(topic) && foreign.remove(topic)) {
                announce.add(topic);
                takeovers.incrementAndGet();
                forget.accept(topic);
            }
            return true;
        }
        if (owned.remove(topic)) {
            // moved away: the window is stale by the time (if ever) it comes back
            forget.accept(topic);
        }
        if (foreign.size() < FOREIGN_TOPICS) {
            foreign.add(topic);
        }
        return false;
    }

    /**
     * Keeps an input of a topic another member owns, for a takeover.
     *
     * @param m the input
     * @param readings what it carries
     * @param nowMillis the clock
     */
    public void hold(InboundMessage m, List<Reading> readings, long nowMillis) {
        if (settings.handoverBuffer() == 0 || settings.handoverMillis() == 0) {
            return;
        }
        expire(nowMillis);
        while (held.size() >= settings.handoverBuffer()) {
            Held oldest = held.pollFirst();
            if (!oldest.unanswered.isEmpty()) {
                expired.incrementAndGet();
            }
            drop(oldest);
        }
        Set<String> ids = new HashSet<>();
        for (Reading r : readings) {
            String id = id(r.device(), r.quantity(), r.ts());
            if (answeredEarly.remove(id) == null) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            return; // its owner answered it already
        }
        Held h = new Held(m, nowMillis, ids);
        held.addLast(h);
        ids.forEach(id -> byReading.put(id, h));
        heldCount.set(held.size());
    }

    /**
     * A result published by any member (MQTT callback thread: queues it, never blocks).
     *
     * @param result a message from the result topics
     */
    public void resultSeen(InboundMessage result) {
        if (resultBacklog.incrementAndGet() > RESULT_BACKLOG) {
            resultBacklog.decrementAndGet();
            return;
        }
        results.add(result.payload());
    }

    /**
     * Matches the results seen since the last call, drops expired inputs and, when the membership changed,
     * hands back the unanswered inputs of topics this member owns now, oldest first.
     *
     * @param nowMillis the clock
     * @return inputs to process again (their results are marked replayed); empty mostly
     */
    public List<InboundMessage> tick(long nowMillis) {
        byte[] r;
        while ((r = results.poll()) != null) {
            resultBacklog.decrementAndGet();
            answered(r);
        }
        expire(nowMillis);
        long epoch = membership.epoch();
        if (epoch == seenEpoch) {
            return List.of();
        }
        seenEpoch = epoch;
        List<InboundMessage> again = new ArrayList<>();
        for (var it = held.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (!h.unanswered.isEmpty() && membership.owns(h.message.topic())) {
                again.add(h.message);
                h.unanswered.forEach(byReading::remove);
                it.remove();
            }
        }
        heldCount.set(held.size());
        replayed.addAndGet(again.size());
        return again;
    }

    /**
     * @param topic an input topic
     * @return whether its next result is the first since this member took it over (then cleared)
     */
    public boolean ownerChanged(String topic) {
        return announce.remove(topic);
    }

    /** @return this member's id */
    public String self() {
        return membership.self();
    }

    /** @return inputs held for a takeover now */
    public int held() {
        return heldCount.get();
    }

    /** @return inputs replayed after takeovers */
    public long replayed() {
        return replayed.get();
    }

    /** @return held inputs dropped unanswered (too old, or the buffer was full) */
    public long expired() {
        return expired.get();
    }

    /** @return topics this member took over from another */
    public long takeovers() {
        return takeovers.get();
    }

    private void answered(byte[] result) {
        try {
            JsonNode n = MAPPER.readTree(result);
            if (n == null || !n.isObject()) {
                return;
            }
            String id = id(
                    n.path("device").asText(),
                    n.path("quantity").asText(),
                    n.path("ts").asText());
            Held h = byReading.remove(id);
            if (h != null) {
                h.unanswered.remove(id);
            } else if (settings.handoverBuffer() > 0) {
                // the input may still wait in this member's queue: remember the answer for a while
                if (answeredEarly.size() >= settings.handoverBuffer()) {
                    var oldest = answeredEarly.keySet().iterator();
                    oldest.next();
                    oldest.remove();
                }
                answeredEarly.put(id, System.currentTimeMillis());
            }
        } catch (IOException notAResult) {
            // another publisher's message under the result root: nothing to match
        }
    }

    private void expire(long nowMillis) {
        long oldest = nowMillis - settings.handoverMillis();
        for (var it = answeredEarly.values().iterator(); it.hasNext() && it.next() < oldest; ) {
            it.remove();
        }
        while (!held.isEmpty()
                && (held.peekFirst().atMillis < oldest
                        || held.peekFirst().unanswered.isEmpty())) {
            Held h = held.pollFirst();
            if (!h.unanswered.isEmpty()) {
                expired.incrementAndGet();
            }
            drop(h);
        }
        heldCount.set(held.size());
    }

    private void drop(Held h) {
        if (h != null) {
            h.unanswered.forEach(byReading::remove);
        }
    }

    private static String id(String device, String quantity, String ts) {
        return device + '/' + quantity + '@' + ts;
    }
}
