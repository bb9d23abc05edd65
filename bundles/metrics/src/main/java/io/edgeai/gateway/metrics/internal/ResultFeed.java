package io.edgeai.gateway.metrics.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.api.MqttConnection;

/**
 * Feeds the web view from the anomaly and text results the pipelines publish, as any MQTT client sees them: a QoS 0
 * subscription on a lane of its own ({@value #LANE}, so it never waits behind inputs a pipeline holds back), a
 * bounded hand-over queue (Paho's callback thread only enqueues) and one thread that decodes the results into
 * the {@link SeriesBuffer}. The view needs nothing from the pipelines but their published contract.
 */
public final class ResultFeed implements AutoCloseable {
    /** The lane the view subscribes on: client id {@code <clientId>-view}. */
    public static final String LANE = "view";

    /** The view stops following the results this long after its last request for data (2 minutes). */
    static final long IDLE_NANOS = 120_000_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(ResultFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SeriesBuffer buffer;
    private final RecentTexts texts;
    private final String topicFilter;
    private final String textFilter;
    private final BlockingQueue<InboundMessage> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread worker;
    private volatile MqttConnection subscribed;
    private volatile long lastWatched;

    /**
     * Starts the decoding thread.
     *
     * @param buffer where anomaly results go
     * @param texts where text results go
     * @param topicFilter the anomaly result topics, e.g. {@code edgeai/anomaly/#}
     * @param textFilter the text result topics, e.g. {@code edgeai/nlp/#}; empty for none
     * @param queueCapacity results waiting for the decoding thread at most; more are dropped and counted
     */
    public ResultFeed(
            SeriesBuffer buffer, RecentTexts texts, String topicFilter, String textFilter, int queueCapacity) {
        this.buffer = buffer;
        this.texts = texts;
        this.topicFilter = topicFilter;
        this.textFilter = textFilter;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.worker = new Thread(this::run, "edgeai-view-feed");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Follows the results while the view is watched: subscribes on the lane of the connection named {@code name}
     * once it is there, and unsubscribes when no one has asked the view for data for {@link #IDLE_NANOS}, so a
     * gateway nobody looks at pays nothing for its view (the broker sends the results to one more subscriber only
     * while a page is open). Called on a schedule.
     *
     * @param connections the connections now registered
     * @param name the connection to use
     * @param nowNanos {@link System#nanoTime()}
     */
    public void follow(List<MqttConnection> connections, String name, long nowNanos) {
        long last = lastWatched;
        if (last == 0 || nowNanos - last > IDLE_NANOS) {
            unsubscribe();
            return;
        }
        for (MqttConnection c : connections) {
            if (c.name().equals(name)) {
                if (c != subscribed) {
                    unsubscribe();
                    c.lane(LANE).subscribe(topicFilter, 0, this::offer);
                    if (!textFilter.isBlank()) {
                        c.lane(LANE).subscribe(textFilter, 0, this::offer);
                    }
                    subscribed = c;
                    LOG.debug("Web view follows {} on connection {}", topicFilter, name);
                }
                return;
            }
        }
        subscribed = null;
    }

    /** Someone asked the view for data. */
    public void watched() {
        long now = System.nanoTime();
        lastWatched = now == 0 ? 1 : now;
    }

    /** @return results dropped because the decoding thread fell behind */
    public long dropped() {
        return dropped.get();
    }

    // Paho's callback thread: enqueue and return, never block or throw
    private void offer(InboundMessage m) {
        if (!queue.offer(m)) {
            dropped.incrementAndGet();
        }
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            InboundMessage m;
            try {
                m = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                decode(m.topic(), m.payload());
            } catch (IOException | RuntimeException e) {
                LOG.trace("Web view: result on {} not shown: {}", m.topic(), e.toString());
            }
        }
    }

    /**
     * Stores one published result: an anomaly result (numeric value and score) or a text result (a text); anything
     * else is left out.
     */
    void decode(String topic, byte[] payload) throws IOException {
        JsonNode r = JSON.readTree(payload);
        if (r == null) {
            return;
        }
        if (r.path("text").isTextual()) {
            List<String> entities = new java.util.ArrayList<>();
            for (JsonNode e : r.path("entities")) {
                entities.add(e.path("type").asText("") + ": " + e.path("text").asText(""));
            }
            texts.add(new RecentTexts.Text(
                    topic,
                    r.get("text").asText(),
                    r.path("intent").asText(""),
                    r.path("confidence").asDouble(0),
                    entities));
            return;
        }
        if (!r.path("value").isNumber() || !r.path("score").isNumber()) {
            return;
        }
        buffer.add(
                topic,
                r.path("ts").asText(""),
                r.get("value").asDouble(),
                r.get("score").asDouble(),
                r.path("anomaly").asBoolean(false),
                r.path("event").asText(""));
    }

    /** Ends the subscription and the decoding thread. */
    @Override
    public void close() {
        unsubscribe();
        worker.interrupt();
    }

    private void unsubscribe() {
        MqttConnection c = subscribed;
        subscribed = null;
        if (c != null) {
            try {
                c.lane(LANE).unsubscribe(topicFilter);
                if (!textFilter.isBlank()) {
                    c.lane(LANE).unsubscribe(textFilter);
                }
            } catch (RuntimeException e) {
                LOG.debug("Web view: unsubscribe failed: {}", e.toString());
            }
        }
    }
}
