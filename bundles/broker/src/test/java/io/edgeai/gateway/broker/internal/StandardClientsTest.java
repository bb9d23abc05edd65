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
 * so a zero-byte one) talk to the embedded broker.
 */
class StandardClientsTest {

    private static final long DEADLINE_MILLIS = 30_000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "protocol {0}")
    @ValueSource(strings = {"mqttv311"})
    void mosquittoClientsWithDefaultFlagsGetAServerAssignedId(String protocol) throws Exception {
        try (RunningBroker broker = RunningBroker.start();
                MosquittoClients.Sub sub = MosquittoClients.sub(dir, broker.port, "-V", protocol, "-t", "edgeai/#",
                        "-v", "-C", "1")) {
            // the subscription is in place once a message published after it arrives: publish until one does
            long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
            boolean exited = false;
            while (!exited && System.currentTimeMillis() < deadline) {
                String result = MosquittoClients.pub(broker.port, null, "-V", protocol, "-t", "edgeai/hello",
                        "-m", "hi");
                assertEquals("0", result.split(" ", 2)[0], "mosquitto_pub: " + result);
                exited = sub.awaitExit(200);
            }
            assertTrue(exited, "mosquitto_sub got nothing: " + sub.output());
            assertEquals(List.of("edgeai/hello hi"), sub.lines());
        }
    }
}
