package io.edgeai.gateway.pipeline.internal.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.edgeai.gateway.api.GroupMembership;
import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.pipeline.internal.decode.Reading;

class KeyAffinityTest {
    /** A member view whose members the test sets; owners by a fixed rule so the test knows them. */
    private static final class View implements GroupMembership {
        volatile List<String> members = List.of("a", "b");
        volatile long epoch;

        @Override
        public String group() {
            return "g";
        }

        @Override
        public String self() {
            return "a";
        }

        @Override
        public List<String> members() {
            return members;
        }

        @Override
        public String ownerOf(String key) {
            // topics ending in "/b" belong to b while it is live
            return key.endsWith("/b") && members.contains("b") ? "b" : "a";
        }

        @Override
        public long epoch() {
            return epoch;
        }
    }

    private static InboundMessage input(String topic, String ts) {
        return new InboundMessage(
                "local",
                topic,
                ("{\"ts\":\"" + ts + "\",\"value\":1}").getBytes(StandardCharsets.UTF_8),
                1,
                System.nanoTime());
    }

    private static InboundMessage result(String device, String quantity, String ts) {
        return new InboundMessage(
                "local",
                "edgeai/anomaly/" + device + "/" + quantity,
                ("{\"device\":\"" + device + "\",\"quantity\":\"" + quantity + "\",\"ts\":\"" + ts
                                + "\",\"score\":0.1}")
                        .getBytes(StandardCharsets.UTF_8),
                1,
                System.nanoTime());
    }

    private static List<Reading> reading(String device, String quantity, String ts) {
        return List.of(new Reading(device, quantity, ts, 0, 1));
    }

    @Test
    void aTakeoverReplaysOnlyTheUnansweredInputsOfTheDeadMembersTopics() {
        View view = new View();
        List<String> forgotten = new ArrayList<>();
        KeyAffinity k = new KeyAffinity(view, new ScaleOut("", true, 60_000, 100), forgotten::add);
        String theirs = "sensors/dev/b";
        String mine = "sensors/dev/a";
        assertTrue(k.owns(mine));
        for (int i = 0; i < 5; i++) {
            assertFalse(k.owns(theirs));
            k.hold(input(theirs, "t" + i), reading("dev", "b", "t" + i), 1000 + i);
        }
        assertEquals(5, k.held());
        // the owner answered the first three before it died
        for (int i = 0; i < 3; i++) {
            k.resultSeen(result("dev", "b", "t" + i));
        }
        assertEquals(List.of(), k.tick(2000), "no membership change: nothing to replay");
        view.members = List.of("a");
        view.epoch++;
        List<InboundMessage> again = k.tick(2001);
        assertEquals(
                List.of("t3", "t4"),
                again.stream()
                        .map(m -> new String(m.payload(), StandardCharsets.UTF_8)
                                .replaceAll(".*\"ts\":\"([^\"]*)\".*", "$1"))
                        .toList());
        assertEquals(2, k.replayed());
        assertTrue(k.owns(theirs));
        assertTrue(k.ownerChanged(theirs), "the first result after a takeover says so");
        assertFalse(k.ownerChanged(theirs), "only the first");
        assertFalse(k.ownerChanged(mine));
        assertEquals(List.of(theirs), forgotten, "the taken-over topic starts a fresh window");
        assertEquals(1, k.takeovers());
    }

    @Test
    void keptInputsAreBoundedInTimeAndCount() {
        View view = new View();
        KeyAffinity k = new KeyAffinity(view, new ScaleOut("", true, 1000, 3), t -> {});
        for (int i = 0; i < 5; i++) {
            k.hold(input("x/dev/b", "t" + i), reading("dev", "b", "t" + i), 0);
        }
        assertEquals(3, k.held());
        assertEquals(2, k.expired());
        k.tick(5000);
        assertEquals(0, k.held());
        assertEquals(5, k.expired());
        view.members = List.of("a");
        view.epoch++;
        assertEquals(List.of(), k.tick(5001), "expired inputs are not replayed");
    }

    @Test
    void aTopicThatMovesAwayLosesItsWindow() {
        View view = new View();
        view.members = List.of("a");
        List<String> forgotten = new ArrayList<>();
        KeyAffinity k = new KeyAffinity(view, new ScaleOut("", true, 1000, 3), forgotten::add);
        assertTrue(k.owns("s/dev/b"));
        view.members = List.of("a", "b");
        view.epoch++;
        assertFalse(k.owns("s/dev/b"));
        assertEquals(List.of("s/dev/b"), forgotten);
    }

    @Test
    void keyAffinityAndAnUnaffineSharedSubscriptionExcludeEachOther() {
        assertThrows(IllegalArgumentException.class, () -> new ScaleOut("g", true, 1000, 10));
        assertEquals("$share/g/sensors/+/+", new ScaleOut("g", false, 1000, 10).filter("sensors/+/+"));
        assertEquals("sensors/+/+", ScaleOut.NONE.filter("sensors/+/+"));
    }

    @Test
    void aResultSeenBeforeItsInputIsHeldStillCounts() {
        View view = new View();
        KeyAffinity k = new KeyAffinity(view, new ScaleOut("", true, 60_000, 100), t -> {});
        // this member lags: the owner's result arrives while the input still waits in its queue
        k.resultSeen(result("dev", "b", "t0"));
        k.tick(System.currentTimeMillis());
        assertFalse(k.owns("x/dev/b"));
        k.hold(input("x/dev/b", "t0"), reading("dev", "b", "t0"), System.currentTimeMillis());
        k.hold(input("x/dev/b", "t1"), reading("dev", "b", "t1"), System.currentTimeMillis());
        view.members = List.of("a");
        view.epoch++;
        assertEquals(1, k.tick(System.currentTimeMillis()).size(), "only t1 is unanswered");
    }
}
