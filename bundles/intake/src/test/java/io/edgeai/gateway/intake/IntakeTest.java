package io.edgeai.gateway.intake;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.ConnectionStatus;
import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.api.MessageHandler;
import io.edgeai.gateway.api.MqttConnection;

/** The shared intake on its own: overflow policies, acknowledgement counting, hand-over to a successor. */
class IntakeTest {
    /** Publishes nowhere; keeps each publish's "stored" callback so the test decides when it is stored. */
    static final class Store implements MqttConnection {
        final List<String> topics = new CopyOnWriteArrayList<>();
        final List<Runnable> pending = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "store";
        }

        @Override
        public void subscribe(String topicFilter, int qos, MessageHandler handler) {}

        @Override
        public void unsubscribe(String topicFilter) {}

        @Override
        public boolean publish(String topic, byte[] payload, int qos, boolean retained) {
            topics.add(topic);
            return true;
        }

        @Override
        public boolean publish(String topic, byte[] payload, int qos, boolean retained, int priority, Runnable stored) {
            topics.add(topic);
            pending.add(stored);
            return true;
        }

        @Override
        public ConnectionStatus status() {
            return null;
        }

        void storeAll() {
            List<Runnable> now = new ArrayList<>(pending);
            pending.clear();
            now.forEach(Runnable::run);
        }
    }

    private final Store store = new Store();

    private static IntakeSettings settings(Overflow overflow, int capacity) {
        return new IntakeSettings("Test", "t", capacity, 64, overflow, "dead", 1, 0, "store");
    }

    private static InboundMessage input(String topic, AtomicInteger acks) {
        return new InboundMessage(
                "c", topic, "x".getBytes(StandardCharsets.UTF_8), 1, System.nanoTime(), false, acks::incrementAndGet);
    }

    private Intake intake(IntakeSettings s, PipelineStages stages) {
        return new Intake(
                LoggerFactory.getLogger(IntakeTest.class), "test-intake", s, () -> store, new StageClock(), stages);
    }

    @Test
    void dropNewestAcknowledgesAndCountsTheOneThatDidNotFit() {
        Intake in = intake(settings(Overflow.DROP_NEWEST, 2), inputs -> {});
        AtomicInteger a = new AtomicInteger();
        AtomicInteger b = new AtomicInteger();
        AtomicInteger c = new AtomicInteger();
        in.offer(input("a", a));
        in.offer(input("b", b));
        in.offer(input("c", c));
        assertEquals(1, in.queue().dropped());
        assertEquals(List.of(0, 0, 1), List.of(a.get(), b.get(), c.get()));
        assertEquals(2, in.queue().size());
    }

    @Test
    void dropOldestAcknowledgesAndCountsTheOldest() {
        Intake in = intake(settings(Overflow.DROP_OLDEST, 2), inputs -> {});
        AtomicInteger a = new AtomicInteger();
        AtomicInteger c = new AtomicInteger();
        in.offer(input("a", a));
        in.offer(input("b", new AtomicInteger()));
        in.offer(input("c", c));
        assertEquals(1, in.queue().dropped());
        assertEquals(1, a.get());
        assertEquals(0, c.get());
    }

    @Test
    void anInputIsAcknowledgedOnceEverythingItProducedIsStored() throws Exception {
        AtomicInteger acks = new AtomicInteger();
        InboundMessage m = input("a", acks);
        // publish twice inside the loop: acknowledged only after both are stored
        Intake[] self = new Intake[1];
        self[0] = intake(settings(Overflow.DROP_NEWEST, 4), inputs -> {
            self[0].publish(inputs.get(0), "out/1", new byte[1], 1, 0);
            self[0].publish(inputs.get(0), "out/2", new byte[1], 1, 0);
        });
        self[0].start();
        self[0].offer(m);
        await().atMost(Duration.ofSeconds(5)).until(() -> store.pending.size() >= 2);
        assertEquals(2, store.pending.size());
        assertEquals(0, acks.get(), "not acknowledged before its results are stored");
        store.storeAll();
        assertEquals(1, acks.get());
        self[0].stop(false);
    }

    @Test
    void aSuccessorTakesOverTheQueueInOrder() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Intake first = intake(settings(Overflow.DROP_NEWEST, 4), inputs -> {});
        AtomicInteger acks = new AtomicInteger();
        for (String t : List.of("a", "b", "c")) {
            first.offer(input(t, acks));
        }
        first.stop(false);
        Intake[] second = new Intake[1];
        second[0] = intake(
                settings(Overflow.DROP_NEWEST, 4),
                inputs -> inputs.forEach(m -> {
                    seen.add(m.topic());
                    second[0].publish(m, "out/" + m.topic(), new byte[1], 1, 0);
                }));
        second[0].adopt(first);
        second[0].start();
        second[0].offer(input("d", acks));
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 4);
        assertEquals(List.of("a", "b", "c", "d"), seen);
        store.storeAll();
        assertEquals(4, acks.get(), "each acknowledged once, after its result");
        second[0].stop(false);
    }

    @Test
    void anOversizeInputIsKeptTruncatedAndDeadLetteredWithItsSize() throws Exception {
        Intake[] self = new Intake[1];
        AtomicInteger acks = new AtomicInteger();
        self[0] = intake(settings(Overflow.DROP_NEWEST, 4), inputs -> {
            assertTrue(inputs.get(0).payload().length <= IngestQueue.OVERSIZE_KEPT);
            assertTrue(InputChecks.oversize(self[0], inputs.get(0), 64));
        });
        self[0].start();
        self[0].offer(
                new InboundMessage("c", "big", new byte[5000], 1, System.nanoTime(), false, acks::incrementAndGet));
        await().atMost(Duration.ofSeconds(5)).until(() -> !store.pending.isEmpty());
        assertEquals(List.of("dead/big"), store.topics);
        store.storeAll();
        assertEquals(1, acks.get());
        assertEquals(java.util.Map.of("oversize", 1L), self[0].rejectedByCode());
        self[0].stop(false);
    }
}
