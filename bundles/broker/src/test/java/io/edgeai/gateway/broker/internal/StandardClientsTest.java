package io.edgeai.gateway.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * First contact: Debian's {@code mosquitto_pub} / {@code mosquitto_sub} with their default flags (no client id,
 * so a zero-byte one) and with {@code -V mqttv5} talk to the embedded broker, and a burst from
 * {@code mosquitto_pub -l} arrives whole.
 */
class StandardClientsTest {

    private static final long DEADLINE_MILLIS = 30_000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "protocol {0}")
    @ValueSource(strings = {"mqttv311", "mqttv5"})
    void mosquittoClientsWithDefaultFlagsGetAServerAssignedId(String protocol) throws Exception {
        try (RunningBroker broker = RunningBroker.start();
                MosquittoClients.Sub sub =
                        MosquittoClients.sub(dir, broker.port, "-V", protocol, "-t", "edgeai/#", "-v", "-C", "1")) {
            // the subscription is in place once a message published after it arrives: publish until one does
            long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
            boolean exited = false;
            while (!exited && System.currentTimeMillis() < deadline) {
                String result =
                        MosquittoClients.pub(broker.port, null, "-V", protocol, "-t", "edgeai/hello", "-m", "hi");
                assertEquals("0", result.split(" ", 2)[0], "mosquitto_pub: " + result);
                exited = sub.awaitExit(200);
            }
            assertTrue(exited, "mosquitto_sub got nothing: " + sub.output());
            assertEquals(List.of("edgeai/hello hi"), sub.lines());
        }
    }

    @ParameterizedTest(name = "{0} readings")
    @ValueSource(ints = {20_000})
    void aQos0BurstFromMosquittoPubArrivesWhole(int readings) throws Exception {
        try (RunningBroker broker = RunningBroker.start();
                PahoPeer gateway = PahoPeer.connect(broker.uri(), "burst-gateway", true)) {
            gateway.subscribe("sensors/+/+", 0);
            String lines = IntStream.range(0, readings)
                    .mapToObj(i -> "{\"value\":" + i + "}")
                    .collect(Collectors.joining("\n", "", "\n"));
            String result = MosquittoClients.pub(broker.port, lines, "-t", "sensors/burst/value", "-q", "0", "-l");
            assertEquals("0", result.split(" ", 2)[0], "mosquitto_pub: " + result);
            int delivered = gateway.awaitCount(readings, DEADLINE_MILLIS);
            System.out.printf("QoS 0 burst from mosquitto_pub -l: %d of %d delivered%n", delivered, readings);
            assertEquals(readings, delivered, "QoS 0 readings delivered of those sent");
        }
    }
}
