package io.edgeai.gateway.broker.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.general.Qos;

/**
 * Back-pressure instead of loss: while the broker holds more than a given number of bytes of queued messages
 * (for subscribers slower than their publishers) a QoS 1 or 2 publish is held before the broker routes it, so
 * its PUBACK waits and the publisher, its in-flight window full, slows to the pace its subscribers take. Without
 * this the broker acknowledges the publish and then discards it once a subscriber's queue is full.
 *
 * <p>Two exceptions keep it from making things worse. Clients that subscribe are never held: a stream processor
 * (this gateway's own connection) acknowledges its input only after publishing its result, so holding that result
 * would stop the very queue that must drain. And a queue that does not drain below its low mark within
 * {@link #stallNanos} of the first hold (typically a persistent session gone offline for good, whose queue no one
 * reads) releases everything held and pauses flow control for {@link #pauseNanos}: then the per-client queue
 * limit discards again, loudly, rather than stall every publisher on the site for a client that is not coming
 * back. A subscriber that reads, however slowly, drains the low mark's eighth of the queue well within that.
 *
 * <p>The decision is made on HiveMQ's extension threads ({@link #onInboundPublish}) and on the broker's own
 * thread ({@link #tick}, every few milliseconds); state is concurrent.
 */
final class FlowControl implements PublishInboundInterceptor {

    /** What a held publish waits at most before HiveMQ lets it through by itself (a safety net; see tick). */
    private static final Duration ASYNC_TIMEOUT = Duration.ofSeconds(60);

    private final LongSupplier queuedBytes;
    private final long highBytes;
    private final long lowBytes;
    private final long stallNanos;
    private final long pauseNanos;
    private final Set<String> subscribers = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Async<PublishInboundOutput>> held = new ConcurrentLinkedQueue<>();
    private final AtomicLong heldTotal = new AtomicLong();
    private final AtomicLong stallReleases = new AtomicLong();
    // tick thread only: when the current hold began, 0 while nothing is held
    private long holdingSinceNanos;
    private volatile long pausedUntilNanos;
    private volatile boolean paused;

    /**
     * @param queuedBytes the broker's queued messages in memory, in bytes
     * @param highBytes above this, QoS 1/2 publishes of non-subscribers are held
     * @param stall how long publishes may be held without the queue falling below its low mark (seven eighths of
     *     {@code highBytes}) before everything held is released
     * @param pause how long flow control then stays off
     */
    FlowControl(LongSupplier queuedBytes, long highBytes, Duration stall, Duration pause) {
        this.queuedBytes = queuedBytes;
        this.highBytes = highBytes;
        this.lowBytes = highBytes - highBytes / 8;
        this.stallNanos = stall.toNanos();
        this.pauseNanos = pause.toNanos();
    }

    @Override
    public void onInboundPublish(PublishInboundInput input, PublishInboundOutput output) {
        if (input.getPublishPacket().getQos() == Qos.AT_MOST_ONCE
                || subscribers.contains(input.getClientInformation().getClientId())
                || paused
                || queuedBytes.getAsLong() <= highBytes) {
            return;
        }
        held.add(output.async(ASYNC_TIMEOUT, TimeoutFallback.SUCCESS));
        heldTotal.incrementAndGet();
    }

    /** A client subscribed: from now on its publishes are never held. */
    void subscribed(String clientId) {
        subscribers.add(clientId);
    }

    /** A client disconnected: a new connection with its id starts as a plain publisher again. */
    void disconnected(String clientId) {
        subscribers.remove(clientId);
    }

    /**
     * Releases what may go on: everything once the queue is below its low mark, or, when it has not got there
     * within the stall time since the hold began, everything and flow control pauses.
     *
     * @param now {@link System#nanoTime()}
     * @return a warning when a stall released the held publishes, {@code null} otherwise
     */
    String tick(long now) {
        if (paused && now - pausedUntilNanos >= 0) {
            paused = false;
        }
        if (held.isEmpty()) {
            holdingSinceNanos = 0;
            return null;
        }
        if (holdingSinceNanos == 0) {
            holdingSinceNanos = now;
        }
        if (queuedBytes.getAsLong() <= lowBytes) {
            releaseAll();
            holdingSinceNanos = 0;
            return null;
        }
        if (now - holdingSinceNanos < stallNanos) {
            return null;
        }
        holdingSinceNanos = 0;
        int released = releaseAll();
        paused = true;
        pausedUntilNanos = now + pauseNanos;
        stallReleases.incrementAndGet();
        return "Embedded MQTT broker: " + queuedBytes.getAsLong() + " bytes of queued messages have not drained below "
                + lowBytes + " within " + Duration.ofNanos(stallNanos).toMillis()
                + " ms (a persistent session offline, or a subscriber "
                + "that stopped reading): released " + released + " held publishes and paused flow control for "
                + Duration.ofNanos(pauseNanos).toSeconds() + " s; messages beyond a full client queue are now "
                + "discarded (see the drop warnings). Remove stale persistent sessions or raise flowControlQueuedBytes.";
    }

    /** Releases every held publish (the broker then routes it), in the order they were held. */
    int releaseAll() {
        int n = 0;
        for (Async<PublishInboundOutput> a; (a = held.poll()) != null; ) {
            a.resume();
            n++;
        }
        return n;
    }

    /** @return publishes held now */
    int holding() {
        return held.size();
    }

    /** @return publishes held since the broker started */
    long heldTotal() {
        return heldTotal.get();
    }

    /** @return times a stalled queue made flow control release everything and pause */
    long stallReleases() {
        return stallReleases.get();
    }
}
