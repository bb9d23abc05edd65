package io.edgeai.gateway.intake;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.edgeai.gateway.api.InboundMessage;

/**
 * The bounded queue between the MQTT callback and a pipeline's worker, with its overflow policy. A dropped
 * input is acknowledged (its outcome is the drop, counted); a held one keeps the broker waiting. Oversize payloads
 * are kept truncated, with their original size, until the worker dead-letters them. After the worker stopped,
 * inputs that still reach it go to its successor ({@link #adopt}), or wait for one.
 */
public final class IngestQueue {
    /** Bytes of an oversize payload kept for its dead letter. */
    static final int OVERSIZE_KEPT = 1024;

    private final BlockingQueue<InboundMessage> queue;
    /** Inputs taken over from a stopped worker, taken before the queue. */
    private final Queue<InboundMessage> adopted = new ConcurrentLinkedQueue<>();
    /** Original sizes of the truncated oversize inputs in the queue (identity keys). */
    private final Map<InboundMessage, Integer> oversize = Collections.synchronizedMap(new IdentityHashMap<>());

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong held = new AtomicLong();
    private final Supplier<IntakeSettings> settings;
    private final LogOnce log;
    private volatile boolean open = true;
    /** The queue that took over after a stop, null before; guarded by this. */
    private IngestQueue successor;
    /** Inputs that reached the queue after it closed, until a successor takes them; guarded by this. */
    private final List<InboundMessage> stragglers = new ArrayList<>();

    IngestQueue(Supplier<IntakeSettings> settings, LogOnce log) {
        this.settings = settings;
        this.log = log;
        this.queue = new ArrayBlockingQueue<>(settings.get().queueCapacity());
    }

    /**
     * Hands an input over; called on the MQTT callback thread. Never blocks, except with {@link Overflow#HOLD_ACKS},
     * which makes the intake wait for room on purpose (backpressure).
     *
     * @param in the input
     */
    public void offer(InboundMessage in) {
        received.incrementAndGet();
        IntakeSettings s = settings.get();
        InboundMessage m = in;
        if (in.payload().length > s.maxPayloadBytes()) {
            // keep only what the dead letter shows, so a flood of huge payloads cannot fill the heap
            m = in.withPayload(Arrays.copyOf(in.payload(), OVERSIZE_KEPT));
            oversize.put(m, in.payload().length);
        }
        if (queue.offer(m)) {
            if (!open) {
                handOver(m, true);
            }
            return;
        }
        if (s.overflow() == Overflow.HOLD_ACKS) {
            hold(m, s);
            return;
        }
        boolean oldest = s.overflow() == Overflow.DROP_OLDEST;
        InboundMessage gone = oldest ? queue.poll() : m;
        if (gone != m && !queue.offer(m)) {
            drop(m);
        }
        if (gone != null) {
            drop(gone);
        }
        log.warn(
                "overflow",
                "{} {} queue full ({}); dropping the {} inputs (counted)",
                s.kind(),
                s.name(),
                s.queueCapacity(),
                oldest ? "oldest" : "newest");
    }

    /** A dropped input's outcome is the drop (counted): it is acknowledged, not redelivered. */
    private void drop(InboundMessage m) {
        dropped.incrementAndGet();
        oversize.remove(m);
        m.acknowledge();
    }

    /** Waits for room; the broker keeps everything behind this input unacknowledged meanwhile. */
    private void hold(InboundMessage m, IntakeSettings s) {
        held.incrementAndGet();
        log.warn(
                "hold",
                "{} {} queue full ({}); holding the intake until there is room (counted as held)",
                s.kind(),
                s.name(),
                s.queueCapacity());
        try {
            while (open) {
                if (queue.offer(m, 500, TimeUnit.MILLISECONDS)) {
                    if (!open) {
                        handOver(m, true);
                    }
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handOver(m, false);
    }

    /**
     * After a stop, an input that reached this queue goes to the successor, or waits for one in {@link #adopt};
     * without a successor it stays unacknowledged and the broker delivers it again. An input that got into the
     * queue after the successor emptied it (a race with {@link #adopt}) is taken back out.
     */
    private void handOver(InboundMessage m, boolean queued) {
        if (queued && !queue.remove(m)) {
            return; // the successor's adopt took it
        }
        IngestQueue next;
        synchronized (this) {
            next = successor;
            if (next == null) {
                stragglers.add(m);
                return;
            }
        }
        next.adoptOne(m, oversize.remove(m));
    }

    /**
     * Takes over the inputs of a closed queue, ahead of anything newer: first {@code unfinished} (those its worker
     * was stopped in the middle of), then its queue, then those its intake was holding.
     */
    void adopt(IngestQueue stopped, List<InboundMessage> unfinished) {
        for (InboundMessage m : unfinished) {
            adoptOne(m, stopped.oversize.remove(m));
        }
        List<InboundMessage> late;
        synchronized (stopped) {
            stopped.successor = this;
            late = new ArrayList<>(stopped.stragglers);
            stopped.stragglers.clear();
        }
        for (InboundMessage m = stopped.queue.poll(); m != null; m = stopped.queue.poll()) {
            adoptOne(m, stopped.oversize.remove(m));
        }
        for (InboundMessage m : late) {
            adoptOne(m, stopped.oversize.remove(m));
        }
    }

    /**
     * Takes an input of a stopped worker, with its original size when it was oversize. They go ahead of the queue
     * and beyond its bound (at most the old queue and a few more): left unacknowledged until the next connection
     * instead, one would stop the embedded broker's deliveries to the whole session.
     */
    private void adoptOne(InboundMessage m, Integer size) {
        if (size != null) {
            oversize.put(m, size);
        }
        adopted.add(m);
    }

    /** Refuses further room: a held intake gives up, later inputs go to the successor. */
    void close() {
        open = false;
    }

    boolean isOpen() {
        return open;
    }

    /** The next input, adopted ones first; null after {@code millis} without one. */
    InboundMessage poll(long millis) throws InterruptedException {
        InboundMessage m = adopted.poll();
        return m != null ? m : queue.poll(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * A batch: {@code first} and whatever else arrives, up to {@code batchSize} inputs or until
     * {@code batchLingerMillis} after {@code first} was taken, whichever comes first. Under load the queue holds
     * enough and nobody waits; when traffic is light an input waits at most the linger time.
     */
    List<InboundMessage> batch(InboundMessage first, IntakeSettings s) {
        List<InboundMessage> batch = new ArrayList<>(s.batchSize());
        batch.add(first);
        drainTo(batch, s.batchSize());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(s.batchLingerMillis());
        while (batch.size() < s.batchSize()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            InboundMessage next;
            try {
                next = queue.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stopping: finish this batch, the loop then ends
                break;
            }
            if (next == null) {
                break;
            }
            batch.add(next);
            drainTo(batch, s.batchSize());
        }
        return batch;
    }

    private void drainTo(List<InboundMessage> batch, int size) {
        while (batch.size() < size) {
            InboundMessage m = adopted.poll();
            if (m == null) {
                break;
            }
            batch.add(m);
        }
        queue.drainTo(batch, size - batch.size());
    }

    /**
     * @param m an input taken from this queue
     * @return its original size when it arrived oversize (and was truncated), else null
     */
    Integer oversizeOf(InboundMessage m) {
        return oversize.isEmpty() ? null : oversize.remove(m);
    }

    /** @return inputs waiting, adopted ones included */
    public int size() {
        return queue.size() + adopted.size();
    }

    /** @return inputs received */
    public long received() {
        return received.get();
    }

    /** @return inputs dropped by the overflow policy */
    public long dropped() {
        return dropped.get();
    }

    /** @return times the intake was held on a full queue */
    public long held() {
        return held.get();
    }
}
