package io.edgeai.gateway.mqtt.internal.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.edgeai.gateway.api.InboundMessage;

class RendezvousTest {
    private static final List<String> THREE = List.of("gw-1", "gw-2", "gw-3");
    private static final long WEIGHT_PIN = -1105114641126037721L;

    private static List<String> keys(int n) {
        List<String> k = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            k.add("sensors/dev-" + i + "/temp");
        }
        return k;
    }

    private static Map<String, String> assign(List<String> members, List<String> keys) {
        Map<String, String> a = new HashMap<>();
        keys.forEach(k -> a.put(k, Rendezvous.owner(members, k)));
        return a;
    }

    @Test
    void onlyTheDeadMembersKeysMove() {
        List<String> keys = keys(3000);
        Map<String, String> before = assign(THREE, keys);
        Map<String, String> after = assign(List.of("gw-1", "gw-3"), keys);
        int moved = 0;
        for (String k : keys) {
            if (before.get(k).equals("gw-2")) {
                assertNotEquals("gw-2", after.get(k));
                moved++;
            } else {
                assertEquals(before.get(k), after.get(k), "a key of a live member moved: " + k);
            }
        }
        // each member holds about a third; the dead member's share is what moves
        assertTrue(moved > 800 && moved < 1200, "moved " + moved);
    }

    @Test
    void aJoiningMemberTakesOnlyKeysItNowWins() {
        List<String> keys = keys(3000);
        Map<String, String> before = assign(List.of("gw-1", "gw-2"), keys);
        Map<String, String> after = assign(THREE, keys);
        int taken = 0;
        for (String k : keys) {
            if (!after.get(k).equals(before.get(k))) {
                assertEquals("gw-3", after.get(k), "a key moved between old members: " + k);
                taken++;
            }
        }
        assertTrue(taken > 800 && taken < 1200, "taken " + taken);
    }

    @Test
    void theOwnerDoesNotDependOnTheOrderOfTheMemberList() {
        for (String k : keys(500)) {
            assertEquals(Rendezvous.owner(THREE, k), Rendezvous.owner(List.of("gw-3", "gw-1", "gw-2"), k));
        }
        assertNull(Rendezvous.owner(List.of(), "x"));
    }

    @Test
    void weightsAreFixedAcrossJvms() {
        // pinned: every gateway of a group must compute the same owners, whatever JVM or version runs it
        // (values recorded from this implementation; a change here reassigns keys in mixed-version groups)
        assertEquals(WEIGHT_PIN, Rendezvous.weight("gw-1", "sensors/dev-0/temp"));
        assertEquals("gw-3", Rendezvous.owner(THREE, "sensors/dev-0/temp"));
    }

    @Test
    void membershipFollowsBirthAndWillOfItsGroupOnly() {
        Membership m = new Membership("site-a", "gw-1");
        assertEquals(List.of("gw-1"), m.members());
        long e0 = m.epoch();
        m.onStatus(status("{\"clientId\":\"gw-2\",\"status\":\"online\",\"group\":\"site-a\"}"));
        m.onStatus(status("{\"clientId\":\"gw-9\",\"status\":\"online\",\"group\":\"site-b\"}"));
        m.onStatus(status("{\"clientId\":\"gw-8\",\"status\":\"online\"}"));
        m.onStatus(status("{\"clientId\":\"gw-3\",\"status\":\"online\",\"group\":\"site-a\"}"));
        assertEquals(THREE, m.members());
        assertNotEquals(e0, m.epoch());
        long e1 = m.epoch();
        m.onStatus(status("{\"clientId\":\"gw-3\",\"status\":\"online\",\"group\":\"site-a\"}"));
        assertEquals(e1, m.epoch(), "a repeated birth is no change");
        m.onStatus(status("{\"clientId\":\"gw-2\",\"status\":\"offline\",\"group\":\"site-a\"}"));
        assertEquals(List.of("gw-1", "gw-3"), m.members());
        // its own stale will does not remove this gateway from its view
        m.onStatus(status("{\"clientId\":\"gw-1\",\"status\":\"offline\",\"group\":\"site-a\"}"));
        m.onStatus(status(""));
        assertEquals(List.of("gw-1", "gw-3"), m.members());
        assertEquals(Rendezvous.owner(List.of("gw-1", "gw-3"), "k"), m.ownerOf("k"));
    }

    private static InboundMessage status(String json) {
        return new InboundMessage(
                "local", "edgeai/gateway/x/status", json.getBytes(StandardCharsets.UTF_8), 1, System.nanoTime());
    }
}
