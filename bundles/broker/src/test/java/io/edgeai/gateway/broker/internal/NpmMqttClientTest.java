package io.edgeai.gateway.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * First contact with the other client most users have: the npm {@code mqtt} package (mqtt.js 5) on Node.js, with
 * its default options, MQTT 3.1.1 and 5, its own random client id and a zero-byte one, subscribes and gets back
 * the QoS 1 message it published through the embedded broker. The package is installed by {@code tools/run-tests}
 * ({@code npm ci} in {@code src/test/node}); without Node.js the test is skipped and says so.
 */
class NpmMqttClientTest {

    private static final Path CLIENT = Path.of("src/test/node/clients.js");

    @ParameterizedTest(name = "protocol {0}, client id {1}")
    @CsvSource({"4, default", "5, default", "4, ''", "5, ''"})
    void theNpmMqttPackageWithItsDefaultsTalksToTheEmbeddedBroker(int protocol, String clientId) throws Exception {
        assumeTrue(
                Files.isDirectory(CLIENT.resolveSibling("node_modules/mqtt")),
                "npm mqtt package not installed: tools/run-tests runs npm ci in src/test/node (needs Node.js and npm)");
        try (RunningBroker broker = RunningBroker.start()) {
            Process node = new ProcessBuilder(
                            "node",
                            CLIENT.getFileName().toString(),
                            Integer.toString(broker.port),
                            Integer.toString(protocol),
                            clientId)
                    .directory(CLIENT.getParent().toFile())
                    .redirectErrorStream(true)
                    .start();
            boolean exited = node.waitFor(30, TimeUnit.SECONDS);
            if (!exited) {
                node.destroyForcibly();
            }
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(exited, "node did not finish: " + out);
            assertEquals(0, node.exitValue(), out);
            assertTrue(out.startsWith("ok edgeai/hello hi"), out);
            if (protocol == 5 && clientId.isEmpty()) {
                // MQTT 5: the server says which id it assigned
                assertTrue(out.endsWith("assigned-id"), out);
            }
        }
    }
}
