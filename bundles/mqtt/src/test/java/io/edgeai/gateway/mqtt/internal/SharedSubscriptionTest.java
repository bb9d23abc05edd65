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

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
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
 * member leaves the view. With persistent sessions (as gateways run): a gracefully closed member leaves its
 * shared subscription first, so the other member gets every later message and nothing waits in the closed
 * one's session; a killed member's offline session keeps taking its share, delivered when it returns.
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
        return new ConnectionSettings(
                "t",
                broker.uri(),
                clientId,
                "",
                "",
                true,
                5,
                10,
                1000,
                10000,
                200,
                2000,
                "edgeai/gateway/" + clientId + "/status");
    }

    /** Settings of a gateway's connection: a persistent session, as shipped. */
    private ConnectionSettings persistent(String clientId) {
        return new ConnectionSettings(
                "t",
                broker.uri(),
                clientId,
                "",
                "",
                false,
                5,
                10,
                1000,
                10000,
                200,
                2000,
                "edgeai/gateway/" + clientId + "/status");
    }

    /** Publishes probes until every counter moved: each member's shared subscription is in place. */
    private static void probeUntilEveryMemberReceives(PahoConnection pub, List<AtomicInteger> counters) {
        AtomicInteger probe = new AtomicInteger();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    for (int i = 0; i < 10; i++) {
                        pub.publish(
                                "home/probe/voice",
                                ("probe-" + probe.getAndIncrement()).getBytes(StandardCharsets.UTF_8),
                                1,
                                false);
                    }
                    return counters.stream().allMatch(c -> c.get() > 0);
                });
    }

    @Test
    void aGracefullyClosedMemberTakesNoShareWhileAwayTheOtherGetsEverything() throws Exception {
        String filter = SharedSubscriptions.filter("text", "home/+/voice");
        Set<String> gotA = ConcurrentHashMap.newKeySet();
        AtomicInteger probesA = new AtomicInteger();
        AtomicInteger probesB = new AtomicInteger();
        AtomicInteger batchB = new AtomicInteger();
        int n = 300;
        try (PahoConnection a = new PahoConnection(persistent("share-a"));
                PahoConnection pub = new PahoConnection(settings("share-pub"))) {
            a.subscribe(filter, 1, m -> count(m.payload(), probesA, gotA));
            PahoConnection b = new PahoConnection(persistent("share-b"));
            try {
                b.subscribe(filter, 1, m -> count(m.payload(), probesB, null));
                probeUntilEveryMemberReceives(pub, List.of(probesA, probesB));
            } finally {
                b.close(); // graceful: leaves the shared subscription, then disconnects (the session stays)
            }
            for (int i = 0; i < n; i++) {
                pub.publish("home/room" + (i % 7) + "/voice", ("msg-" + i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> gotA.size() == n);
            // the member comes back on its persistent session: nothing of the batch waited there for it
            try (PahoConnection back = new PahoConnection(persistent("share-b"))) {
                back.subscribe(filter, 1, m -> {
                    if (new String(m.payload(), StandardCharsets.UTF_8).startsWith("msg-")) {
                        batchB.incrementAndGet();
                    }
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> back.status().state() == ConnectionState.CONNECTED);
                await().during(Duration.ofSeconds(1))
                        .atMost(Duration.ofSeconds(3))
                        .until(() -> batchB.get() == 0);
            }
        }
    }

    @Test
    void aKilledMembersPersistentSessionKeepsItsShareUntilItReturns() throws Exception {
        String filter = SharedSubscriptions.filter("text", "home/+/voice");
        Set<String> gotA = ConcurrentHashMap.newKeySet();
        Set<String> gotB = ConcurrentHashMap.newKeySet();
        AtomicInteger probesA = new AtomicInteger();
        AtomicInteger probesB = new AtomicInteger();
        int n = 300;
        try (PahoConnection a = new PahoConnection(persistent("kill-a"));
                PahoConnection pub = new PahoConnection(settings("kill-pub"))) {
            a.subscribe(filter, 1, m -> count(m.payload(), probesA, gotA));
            // the killed member: a raw client whose socket closes without DISCONNECT or unsubscribe (a SIGKILL)
            MqttAsyncClient b = new MqttAsyncClient(broker.uri(), "kill-b", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(false);
            o.setAutomaticReconnect(false);
            b.setCallback(counting(probesB, gotB));
            b.connect(o).waitForCompletion(10_000);
            b.subscribe(filter, 1).waitForCompletion(10_000);
            probeUntilEveryMemberReceives(pub, List.of(probesA, probesB));
            b.disconnectForcibly(0, 1000, false);
            b.close();
            for (int i = 0; i < n; i++) {
                pub.publish("home/room" + (i % 7) + "/voice", ("msg-" + i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            // the broker hands the dead member's offline session its share: it waits there until the member returns
            MqttAsyncClient back = new MqttAsyncClient(broker.uri(), "kill-b", new MemoryPersistence());
            back.setCallback(counting(probesB, gotB));
            back.connect(o).waitForCompletion(10_000);
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> gotA.size() + gotB.size() == n);
                assertTrue(gotB.size() > 0, "the killed member's session kept a share: " + gotB.size());
                assertTrue(gotA.size() < n, "the live member got " + gotA.size() + " of " + n);
                Set<String> both = new java.util.HashSet<>(gotA);
                both.retainAll(gotB);
                assertEquals(Set.of(), both, "each message went to one member");
            } finally {
                back.disconnect().waitForCompletion(5000);
                back.close();
            }
        }
    }

    private static void count(byte[] payload, AtomicInteger probes, Set<String> batch) {
        String s = new String(payload, StandardCharsets.UTF_8);
        if (s.startsWith("probe-")) {
            probes.incrementAndGet();
        } else if (batch != null) {
            batch.add(s);
        }
    }

    private static MqttCallback counting(AtomicInteger probes, Set<String> batch) {
        return new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                count(message.getPayload(), probes, batch);
            }

            @Override
            public void connectionLost(Throwable cause) {
                // the test closes it
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // publishes nothing
            }
        };
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
                    perMessage
                            .computeIfAbsent(new String(m.payload(), StandardCharsets.UTF_8), k -> new AtomicInteger())
                            .incrementAndGet();
                    perMember.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                });
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> a.status().state() == ConnectionState.CONNECTED
                            && b.status().state() == ConnectionState.CONNECTED
                            && pub.status().state() == ConnectionState.CONNECTED);
            int n = 400;
            for (int i = 0; i < n; i++) {
                pub.publish("home/room" + (i % 7) + "/voice", ("msg-" + i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> perMessage.size() == n);
            await().during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(5))
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
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> view.members().equals(List.of("gw-a", "gw-b")));
                assertEquals(view, a.membership().orElseThrow());
            } finally {
                other.close();
                b.close();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> view.members().equals(List.of("gw-a")));
        }
    }
}
