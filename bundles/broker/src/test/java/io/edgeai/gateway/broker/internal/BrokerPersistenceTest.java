package io.edgeai.gateway.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With persistenceEnabled, a broker restart keeps retained messages and a persistent session's queue. */
class BrokerPersistenceTest {

    private static final long DEADLINE_MILLIS = 60_000;

    @TempDir
    Path data;

    @Test
    void retainedAndQueuedMessagesSurviveARestart() throws Exception {
        Map<String, Object> config =
                Map.of("port", RunningBroker.freePort(), "persistenceEnabled", true, "dataDir", data.toString());
        try (RunningBroker broker = RunningBroker.start(config)) {
            assertTrue(
                    broker.service().status().detail().contains("sessions on disk"),
                    broker.service().status().detail());
            try (PahoPeer gateway = PahoPeer.connect(broker.uri(), "persistent-gateway", false)) {
                gateway.subscribe("in/#", 1);
            }
            try (PahoPeer device = PahoPeer.connect(broker.uri(), "device", true)) {
                device.publish("in/1", "queued while the gateway was away", 1, false);
                device.publish("edgeai/gateway/g1/status", "online", 1, true);
                // both are stored once the publisher's window is empty (each PUBACK came back)
                long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
                while (device.client.getPendingDeliveryTokens().length > 0 && System.currentTimeMillis() < deadline) {
                    synchronized (this) {
                        wait(20);
                    }
                }
            }
        }
        try (RunningBroker again = RunningBroker.start(config);
                PahoPeer gateway = PahoPeer.connect(again.uri(), "persistent-gateway", false);
                PahoPeer observer = PahoPeer.connect(again.uri(), "observer", true)) {
            assertEquals(1, gateway.awaitCount(1, DEADLINE_MILLIS));
            assertEquals(
                    "queued while the gateway was away", gateway.received.get(0).payload());
            observer.subscribe("edgeai/gateway/+/status", 1);
            assertEquals(1, observer.awaitCount(1, DEADLINE_MILLIS));
            assertEquals("online", observer.received.get(0).payload());
        }
    }
}
