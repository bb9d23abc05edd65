package io.edgeai.gateway.mqtt.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.SharedSubscriptions;
import io.edgeai.gateway.mqtt.internal.group.Membership;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * Shared subscriptions and the group's member view against a real mosquitto: messages of a {@code $share}
 * subscription reach the subscriber's handler (the received topic is the plain one) and the broker hands
 * each one to exactly one member; the members see each other through their birth messages and a stopped
 * member leaves the view.
 */
class SharedSubscriptionTest {
    private Mosquitto broker;

    @BeforeEach
    void startBroker() throws Exception {
        broker = Mosquitto.startOnFreePort();
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    private ConnectionSettings settings(String clientId) {
        return new ConnectionSettings("t", broker.uri(), clientId, "", "", true, 5, 10, 1000, 10000, 200, 2000,
                "edgeai/gateway/" + clientId + "/status");
    }

    @Test
    void eachMessageOfASharedSubscriptionReachesExactlyOneMember() throws Exception {
        Map<String, AtomicInteger> perMessage = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> perMember = new ConcurrentHashMap<>();
        String filter = SharedSubscriptions.filter("text", "home/+/voice");
        try (PahoConnection a = new PahoConnection(settings("share-a"));
                PahoConnection b = new PahoConnection(settings("share-b"));
                PahoConnection pub = new PahoConnection(settings("share-pub"))) {
            for (PahoConnection c : List.of(a, b)) {
                String id = c.status().clientId();
                c.subscribe(filter, 1, m -> {
                    perMessage.computeIfAbsent(new String(m.payload(), StandardCharsets.UTF_8),
                            k -> new AtomicInteger()).incrementAndGet();
                    perMember.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                });
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> a.status().state() == ConnectionState.CONNECTED
                    && b.status().state() == ConnectionState.CONNECTED && pub.status().state() == ConnectionState.CONNECTED);
            int n = 400;
            for (int i = 0; i < n; i++) {
                pub.publish("home/room" + (i % 7) + "/voice", ("msg-" + i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> perMessage.size() == n);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> perMessage.values().stream().allMatch(c -> c.get() == 1));
            assertEquals(Set.of("share-a", "share-b"), perMember.keySet(), "both members took a share: " + perMember);
            assertTrue(perMember.values().stream().allMatch(c -> c.get() > n / 10), "balanced: " + perMember);
        }
    }

    @Test
    void membersSeeEachOtherThroughBirthAndLeaveOnStop() throws Exception {
        try (PahoConnection a = new PahoConnection(settings("gw-a"), "site")) {
            Membership view = new Membership("site", "gw-a");
            a.attach(view);
            a.subscribe("edgeai/gateway/+/status", 1, view::onStatus);
            PahoConnection b = new PahoConnection(settings("gw-b"), "site");
            PahoConnection other = new PahoConnection(settings("gw-x"), "elsewhere");
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> view.members().equals(List.of("gw-a", "gw-b")));
                assertEquals(view, a.membership().orElseThrow());
            } finally {
                other.close();
                b.close();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> view.members().equals(List.of("gw-a")));
        }
    }
}
